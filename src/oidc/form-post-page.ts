/**
 * The engine's own form_post page — the answer of an authorization that returns to the client
 * by `response_mode=form_post`: a form to the client's redirect URI that a line of inline script
 * submits — gets the hosted pages' security headers (src/pages/security.ts): no framing, no
 * referrer, no caching, and a strict Content-Security-Policy that lets run only that one script
 * (by its hash) and lets the form post only to the redirect URI's origin.
 *
 * The engine adds its script's hash to a `script-src` it finds on the response, so a provisional
 * one is set before it answers; afterwards the step keeps the hash and writes the whole policy,
 * or takes the provisional header away again from any other answer (a redirect, an error page
 * drawn by the page layer with its own policy).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { SECURITY_HEADERS, contentSecurityPolicy, originOf } from '../pages/security.js';

const PROVISIONAL = "script-src 'self'";
const HASH = /'sha256-[A-Za-z0-9+/=]+'/g;

export function secureFormPostPage(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    // The authorization endpoint and its resumption after the sign-in pages.
    if (ctx.path !== '/auth' && !ctx.path.startsWith('/auth/')) return next();
    ctx.set('content-security-policy', PROVISIONAL);
    await next();
    const policy = ctx.response.get('content-security-policy');
    if (typeof policy !== 'string' || !policy.startsWith(PROVISIONAL)) return;
    const hashes = policy.match(HASH) ?? [];
    if (!ctx.response.is('html') || hashes.length === 0) {
      ctx.remove('content-security-policy');
      return;
    }
    const redirectOrigin = originOf((ctx.oidc?.params as { redirect_uri?: unknown } | undefined)?.redirect_uri);
    ctx.set({ ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy({ scriptHashes: hashes, formTargets: redirectOrigin ? [redirectOrigin] : [] }), 'cache-control': 'no-store' });
  });
}
