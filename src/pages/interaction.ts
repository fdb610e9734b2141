/**
 * The hosted sign-in of a tenant's OpenID Provider: `/{slug}/interaction/{uid}` is where the
 * engine sends the browser when it needs a login (or a consent). The login form posts the
 * credentials to LoginService — the same defences as every login (lockout, IP blocking, no
 * telling an unknown user from a wrong password) — and hands the result back to the engine,
 * which resumes the authorization. Consent is given for the tenant's own clients without a
 * page (a consent page for third-party clients comes with them).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginService } from '../core/login/login-service.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import type { ProviderPool } from '../oidc/tenant-pool.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { formFields, localeOf, resolveTenant, tenantOf, tenantPathOf } from './context.js';
import { type LocaleChoice, pickLocale } from './i18n/index.js';
import { allowFormTarget } from './security.js';
import { page } from './view.js';

export const INTERACTION_ROUTE = '/:slug/interaction/:uid';

type Provider = Awaited<ReturnType<ProviderPool['get']>>['provider'];
type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface InteractionDeps {
  tenants: TenantService;
  login: LoginService;
  oidc: ProviderPool;
}

/** The origin of an http(s) URL, or undefined (URL.parse is Node 22's: not here). */
function originOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function registerInteractionPages(pages: FastifyInstance, deps: InteractionDeps): void {
  const tenantFirst = resolveTenant(deps.tenants);

  /** The engine's interaction this browser is in (its cookie names it), or undefined when it ended. */
  async function interactionOf(request: FastifyRequest, reply: FastifyReply): Promise<{ provider: Provider; interaction: Interaction } | undefined> {
    const { provider } = await deps.oidc.get(tenantOf(request));
    try {
      const interaction = await provider.interactionDetails(request.raw, reply.raw);
      return interaction.uid === (request.params as { uid: string }).uid ? { provider, interaction } : undefined;
    } catch {
      return undefined;
    }
  }

  function expired(request: FastifyRequest, reply: FastifyReply) {
    const locale = localeOf(request);
    return page(request, reply, 400, 'message', locale, { tenantName: tenantOf(request).name, title: locale.messages.login.title, message: locale.messages.login.expired, kind: 'error' });
  }

  /** The client's `ui_locales` (OIDC Core 3.1.2.1) first, then `?locale=` and Accept-Language. */
  function localeFor(request: FastifyRequest, interaction: Interaction): LocaleChoice {
    const asked = typeof interaction.params.ui_locales === 'string' ? interaction.params.ui_locales.split(' ').filter(Boolean) : [];
    for (const tag of asked) {
      const choice = pickLocale({ locale: tag.split('-')[0] }, undefined);
      if (choice.fromQuery) return choice;
    }
    return localeOf(request);
  }

  function form(request: FastifyRequest, reply: FastifyReply, status: number, interaction: Interaction, problem: string | undefined, loginValue = '') {
    const locale = localeFor(request, interaction);
    const origin = originOf(interaction.params.redirect_uri);
    if (origin) allowFormTarget(request, origin);
    const clientId = String(interaction.params.client_id ?? '');
    return page(request, reply, status, 'login', locale, {
      tenantName: tenantOf(request).name,
      title: locale.messages.login.title,
      intro: locale.messages.login.intro(clientId),
      action: `/${tenantPathOf(request)}/interaction/${interaction.uid}/login`,
      csrf: csrfToken(reply, tenantPathOf(request)),
      problem,
      loginValue,
    });
  }

  /** The tenant's own clients are trusted: grant what the authorization asked for. */
  async function consent(provider: Provider, interaction: Interaction): Promise<{ consent: { grantId: string } }> {
    const accountId = interaction.session?.accountId;
    if (!accountId) throw new Error('consent without a signed-in account');
    const grant = interaction.grantId
      ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId: String(interaction.params.client_id) }))
      : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
    const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    return { consent: { grantId: await grant.save() } };
  }

  pages.get(INTERACTION_ROUTE, { preHandler: tenantFirst }, async (request, reply) => {
    const found = await interactionOf(request, reply);
    if (!found) return expired(request, reply);
    const { provider, interaction } = found;
    if (interaction.prompt.name === 'login') return form(request, reply, 200, interaction, undefined);
    if (interaction.prompt.name === 'consent') {
      const result = await consent(provider, interaction);
      reply.hijack();
      return provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
    }
    return expired(request, reply);
  });

  pages.post(`${INTERACTION_ROUTE}/login`, { preHandler: [tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const found = await interactionOf(request, reply);
    if (!found || found.interaction.prompt.name !== 'login') return expired(request, reply);
    const { provider, interaction } = found;
    const t = localeFor(request, interaction).messages.login;
    const fields = formFields(request.body, ['login', 'password']);
    const loginId = fields?.login?.trim() ?? '';
    const password = fields?.password ?? '';
    if (!loginId || !password || loginId.length > 320 || password.length > 4096) return form(request, reply, 400, interaction, t.missing, loginId.slice(0, 320));
    const result = await deps.login.login(tenantOf(request), { loginId, password, ip: request.ip });
    switch (result.outcome) {
      case 'ok': {
        reply.hijack();
        return provider.interactionFinished(request.raw, reply.raw, { login: { accountId: result.user.id } }, { mergeWithLastSubmission: false });
      }
      case 'invalidCredentials':
      case 'disabled':
        return form(request, reply, 401, interaction, t.invalid, loginId);
      case 'userLocked':
        return form(request, reply, 423, interaction, t.locked, loginId);
      case 'ipBlocked':
        return form(request, reply, 429, interaction, t.blocked, loginId);
      case 'changePasswordRequired':
        return form(request, reply, 403, interaction, t.changePassword, loginId);
      case 'emailNotVerified':
        return form(request, reply, 403, interaction, t.verifyEmail, loginId);
    }
  });
}
