/**
 * What every page of a sign-in (`/{slug}/interaction/{uid}[/…]`) works out first: the engine's
 * interaction this browser is in (its interaction cookie names it, and it must be the one in
 * the path), the client it is for (as the pages show it), and the language — the client's
 * `ui_locales` (OpenID Connect Core §3.1.2.1) first, then `?locale=` and Accept-Language. And
 * what every one of them does alike: show a page with the client on it (the CSP then allows
 * the client's redirect origin as a form target: the engine sends the browser there next), and
 * hand a result back to the engine.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client, ClientService } from '../core/clients/client-service.js';
import { NotFound } from '../core/errors.js';
import type { ProviderPool } from '../oidc/tenant-pool.js';
import { localeOf, tenantOf, tenantPathOf } from './context.js';
import { type LocaleChoice, pickLocaleWithUiLocales } from './i18n/index.js';
import { allowFormTarget, originOf } from './security.js';
import { type ClientView, clientImageOrigins, clientViewOf } from './theme.js';
import { type PageData, page } from './view.js';

export type Provider = Awaited<ReturnType<ProviderPool['get']>>['provider'];
export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
type InteractionResult = Parameters<Provider['interactionFinished']>[2];

export interface SignIn {
  provider: Provider;
  interaction: Interaction;
  /** The stored client (undefined if it went away meanwhile). */
  client: Client | undefined;
  view: ClientView;
  locale: LocaleChoice;
  /** The paths of this sign-in's pages. */
  paths: { base: string; login: string; consent: string; register: string; forgot: string };
}

/** The client's `ui_locales` first, then `?locale=` and Accept-Language. */
function localeFor(request: FastifyRequest, interaction: Interaction): LocaleChoice {
  const header = request.headers['accept-language'];
  return pickLocaleWithUiLocales(interaction.params.ui_locales, request.query, typeof header === 'string' ? header : undefined);
}

export function interactionSupport(deps: { oidc: ProviderPool; clients: ClientService }) {
  /** The sign-in this browser is in, or undefined when it ended (or is another one). */
  async function signInOf(request: FastifyRequest, reply: FastifyReply): Promise<SignIn | undefined> {
    const tenant = tenantOf(request);
    const { provider } = await deps.oidc.get(tenant);
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return undefined;
    }
    if (interaction.uid !== (request.params as { uid: string }).uid) return undefined;
    const clientId = String(interaction.params.client_id ?? '');
    let client: Client | undefined;
    try {
      client = clientId ? await deps.clients.get(tenant, clientId) : undefined;
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
    const base = `/${tenantPathOf(request)}/interaction/${interaction.uid}`;
    return {
      provider,
      interaction,
      client,
      view: clientViewOf(client, clientId),
      locale: localeFor(request, interaction),
      paths: { base, login: `${base}/login`, consent: `${base}/consent`, register: `${base}/register`, forgot: `${base}/forgot` },
    };
  }

  /** The page for a sign-in that ended (or never was this browser's). */
  function expired(request: FastifyRequest, reply: FastifyReply, signIn?: SignIn) {
    const locale = signIn?.locale ?? localeOf(request);
    return page(request, reply, 400, 'message', locale, { title: locale.messages.login.title, message: locale.messages.login.expired, kind: 'error' });
  }

  /** A page of the sign-in, with the client on it. */
  function show(request: FastifyRequest, reply: FastifyReply, status: number, template: string, signIn: SignIn, data: PageData) {
    const origin = originOf(signIn.interaction.params.redirect_uri);
    if (origin) allowFormTarget(request, origin);
    return page(request, reply, status, template, signIn.locale, { ...data, client: signIn.view, paths: signIn.paths, images: clientImageOrigins(signIn.view) });
  }

  /** Hands the result to the engine and sends the browser back to it (303), which resumes the authorization. */
  async function finish(request: FastifyRequest, reply: FastifyReply, signIn: SignIn, result: InteractionResult, mergeWithLastSubmission: boolean): Promise<FastifyReply> {
    const returnTo = await signIn.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission });
    return reply.redirect(returnTo, 303);
  }

  /** 429: this client IP has spent its allowance of mail-sending requests (MailThrottle). */
  function tooMany(request: FastifyRequest, reply: FastifyReply, signIn: SignIn) {
    const t = signIn.locale.messages;
    return show(request, reply, 429, 'message', signIn, { title: t.errors.tooManyTitle, message: t.errors.tooMany, kind: 'error', link: { href: signIn.paths.base, text: t.forgot.backToSignIn } });
  }

  return { signInOf, expired, show, finish, tooMany };
}

export type InteractionSupport = ReturnType<typeof interactionSupport>;
