/**
 * The pages oidc-provider renders itself — the RP-initiated logout confirmation
 * (`features.rpInitiatedLogout.logoutSource`), the signed-out page (`postLogoutSuccessSource`)
 * and the error page for a request it cannot send back to the client (`renderError`) — drawn
 * by the page layer: the tenant's theme, English or Turkish (the request's `ui_locales`, then
 * `?locale=`, then Accept-Language), escaped, with the pages' security headers and CSP.
 *
 * The logout page keeps the engine's own form: the engine hands `logoutSource` a form (its
 * confirm URL and the `xsrf` hidden input it checks) and our buttons submit it (`form=`), the
 * yes button with `logout=yes` as the engine expects. That HTML is the engine's, not the
 * request's, and is placed as given; everything else is escaped.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Tenant } from '../core/tenants/settings.js';
import { type LocaleChoice, pickLocaleWithUiLocales } from './i18n/index.js';
import { originOf, pageHeaders } from './security.js';
import { type ClientView, clientImageOrigins, clientViewOf, themeOf } from './theme.js';
import { type PageData, renderPage } from './view.js';

interface EngineClient {
  clientId: string;
  clientName?: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
}

function localeOf(ctx: KoaContextWithOIDC): LocaleChoice {
  return pickLocaleWithUiLocales(ctx.oidc?.params?.ui_locales, ctx.query, ctx.get('accept-language') || undefined);
}

function clientOf(ctx: KoaContextWithOIDC): ClientView | undefined {
  const client = ctx.oidc?.client as EngineClient | undefined;
  if (!client) return undefined;
  return clientViewOf({ clientId: client.clientId, name: client.clientName ?? client.clientId, logoUri: client.logoUri ?? null, clientUri: client.clientUri ?? null, policyUri: client.policyUri ?? null, tosUri: client.tosUri ?? null }, client.clientId);
}

/** The path the browser asked for (the mount rewrote `req.url` for the engine; `originalUrl` keeps it). */
function pathnameOf(ctx: KoaContextWithOIDC): string {
  const original = (ctx.req as { originalUrl?: string }).originalUrl ?? ctx.originalUrl;
  return original.split('?')[0] ?? '/';
}

function send(ctx: KoaContextWithOIDC, tenant: Tenant, template: string, data: PageData, options: { client?: ClientView | undefined; formTargets?: string[] } = {}): void {
  const locale = localeOf(ctx);
  const theme = themeOf(tenant, locale.messages.brand);
  const rendered = renderPage(template, { locale, theme, pathname: pathnameOf(ctx), data: { ...data, client: options.client }, images: options.client ? clientImageOrigins(options.client) : [] });
  ctx.set(pageHeaders({ formTargets: options.formTargets ?? [], imageOrigins: rendered.imageOrigins, styleNonce: rendered.styleNonce }));
  ctx.set('content-language', locale.locale);
  ctx.type = 'html';
  ctx.body = rendered.html;
}

export function enginePages(tenant: Tenant) {
  return {
    /** The logout confirmation: yes ends the session at the provider, no only the client's part. */
    async logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
      const t = localeOf(ctx).messages.logout;
      const client = clientOf(ctx);
      // Both buttons end at the client's registered post-logout URI when it gave one.
      const target = originOf(ctx.oidc.params?.post_logout_redirect_uri);
      send(ctx, tenant, 'logout', { title: t.title, question: t.question(tenant.name), fromClient: client ? t.fromClient(client.name) : undefined, engineForm: form }, { client, formTargets: target ? [target] : [] });
    },

    async postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
      const t = localeOf(ctx).messages.logout;
      const client = clientOf(ctx);
      send(ctx, tenant, 'message', { title: t.doneTitle, message: client ? t.doneFromClient(client.name) : t.done, kind: 'done' });
    },

    /** A protocol error shown to a person (a bad redirect URI, an unknown client): the code and the engine's description, escaped. */
    async renderError(ctx: KoaContextWithOIDC, out: { error?: unknown; error_description?: unknown }): Promise<void> {
      const t = localeOf(ctx).messages.engineError;
      send(ctx, tenant, 'message', { title: t.title, message: t.message, kind: 'error', detail: { code: String(out.error ?? 'error'), text: String(out.error_description ?? '') } });
    },
  };
}
