/**
 * The hosted sign-in of a tenant's OpenID Provider: `/{slug}/interaction/{uid}` is where the
 * engine sends the browser when it needs a login or a consent.
 *
 * - Login: the form posts the credentials to LoginService — the same defences as every login
 *   (lockout, IP blocking, no telling an unknown user from a wrong password) — and hands the
 *   account back to the engine, which resumes the authorization. The page links to sign-up
 *   (register.ts) and to forgot-password (forgot-password.ts) when the tenant offers them.
 * - Consent: a first-party client (the default) is granted what it asked for without a page; a
 *   client marked `consent_required` gets the consent page — the scopes in words, the client's
 *   name, logo and links — whose Allow saves the grant and whose Deny ends the authorization
 *   with `access_denied` at the client's redirect URI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountFlows } from '../core/account/account-flows.js';
import { type Registration, registrationOpen } from '../core/account/registration.js';
import type { MailThrottle } from '../core/account/mail-throttle.js';
import type { ClientService } from '../core/clients/client-service.js';
import type { LoginService } from '../core/login/login-service.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { ProviderPool } from '../oidc/tenant-pool.js';
import { grantAsked, describeConsent } from './consent.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { formFields, resolveTenant, tenantOf, tenantPathOf } from './context.js';
import { type SignIn, interactionSupport } from './interaction-support.js';
import { registerForgotPasswordPage } from './forgot-password.js';
import { registerRegistrationPage } from './register.js';

export const INTERACTION_ROUTE = '/:slug/interaction/:uid';

export interface InteractionDeps {
  tenants: TenantService;
  login: LoginService;
  oidc: ProviderPool;
  clients: ClientService;
  users: UserService;
  account: AccountFlows;
  registration: Registration;
  mailThrottle: MailThrottle;
}

export function registerInteractionPages(pages: FastifyInstance, deps: InteractionDeps): void {
  const tenantFirst = resolveTenant(deps.tenants);
  const support = interactionSupport(deps);
  const { signInOf, expired, show, finish } = support;

  /** The sign-in form, with the links the tenant and the client offer. */
  function loginForm(request: FastifyRequest, reply: FastifyReply, status: number, signIn: SignIn, problem: string | undefined, loginValue = '') {
    const tenant = tenantOf(request);
    const t = signIn.locale.messages.login;
    return show(request, reply, status, 'login', signIn, {
      title: t.title,
      intro: t.intro(signIn.view.name),
      csrf: csrfToken(reply, tenantPathOf(request)),
      problem,
      loginValue,
      registerOpen: signIn.client ? registrationOpen(tenant, signIn.client) : false,
      forgotOpen: tenant.settings.registration.forgotPasswordEnabled,
    });
  }

  /** Who is signed in, as the consent page names them. */
  async function accountLabel(request: FastifyRequest, signIn: SignIn): Promise<string | undefined> {
    const accountId = signIn.interaction.session?.accountId;
    if (!accountId) return undefined;
    const user = await deps.users.get(tenantOf(request), accountId).catch(() => undefined);
    return user ? (user.email ?? user.username ?? undefined) : undefined;
  }

  async function consentPage(request: FastifyRequest, reply: FastifyReply, status: number, signIn: SignIn) {
    const t = signIn.locale.messages.consent;
    const who = await accountLabel(request, signIn);
    return show(request, reply, status, 'consent', signIn, {
      title: t.title,
      intro: t.intro(signIn.view.name, tenantOf(request).name),
      signedInAs: who ? t.signedInAs(who) : undefined,
      asked: describeConsent(signIn.locale.messages, signIn.interaction),
      csrf: csrfToken(reply, tenantPathOf(request)),
    });
  }

  /** A consent prompt for a first-party client needs no page. */
  const asksConsent = (signIn: SignIn) => signIn.client?.consentRequired === true;

  pages.get(INTERACTION_ROUTE, { preHandler: tenantFirst }, async (request, reply) => {
    const signIn = await signInOf(request, reply);
    if (!signIn) return expired(request, reply);
    const { name } = signIn.interaction.prompt;
    if (name === 'login') return loginForm(request, reply, 200, signIn, undefined);
    if (name === 'consent') {
      if (asksConsent(signIn)) return consentPage(request, reply, 200, signIn);
      return finish(request, reply, signIn, await grantAsked(signIn.provider, signIn.interaction), true);
    }
    return expired(request, reply, signIn);
  });

  pages.post(`${INTERACTION_ROUTE}/login`, { preHandler: [tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const signIn = await signInOf(request, reply);
    if (!signIn || signIn.interaction.prompt.name !== 'login') return expired(request, reply, signIn);
    const t = signIn.locale.messages.login;
    const fields = formFields(request.body, ['login', 'password']);
    const loginId = fields?.login?.trim() ?? '';
    const password = fields?.password ?? '';
    if (!loginId || !password || loginId.length > 320 || password.length > 4096) return loginForm(request, reply, 400, signIn, t.missing, loginId.slice(0, 320));
    const result = await deps.login.login(tenantOf(request), { loginId, password, ip: request.ip });
    switch (result.outcome) {
      case 'ok':
        return finish(request, reply, signIn, { login: { accountId: result.user.id } }, false);
      case 'invalidCredentials':
      case 'disabled':
        return loginForm(request, reply, 401, signIn, t.invalid, loginId);
      case 'userLocked':
        return loginForm(request, reply, 423, signIn, t.locked, loginId);
      case 'ipBlocked':
        return loginForm(request, reply, 429, signIn, t.blocked, loginId);
      case 'changePasswordRequired':
        return loginForm(request, reply, 403, signIn, t.changePassword, loginId);
      case 'emailNotVerified':
        return loginForm(request, reply, 403, signIn, t.verifyEmail, loginId);
    }
  });

  pages.post(`${INTERACTION_ROUTE}/consent`, { preHandler: [tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const signIn = await signInOf(request, reply);
    if (!signIn || signIn.interaction.prompt.name !== 'consent') return expired(request, reply, signIn);
    const decision = formFields(request.body, ['decision'])?.decision;
    if (decision === 'allow') return finish(request, reply, signIn, await grantAsked(signIn.provider, signIn.interaction), true);
    if (decision === 'deny') return finish(request, reply, signIn, { error: 'access_denied', error_description: 'The user denied the request.' }, false);
    return consentPage(request, reply, 400, signIn);
  });

  registerRegistrationPage(pages, { ...deps, tenantFirst, support });
  registerForgotPasswordPage(pages, { ...deps, tenantFirst, support });
}

