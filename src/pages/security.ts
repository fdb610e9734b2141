/**
 * Response headers of every page: a strict Content-Security-Policy (nothing may load but our
 * own stylesheet; no script at all; forms post only to us; no framing), the legacy framing
 * and sniffing switches, no referrer (page URLs carry one-time ids), and no caching unless a
 * route set its own Cache-Control (the stylesheet).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

function policy(formTargets: readonly string[]): string {
  return ["default-src 'none'", "style-src 'self'", "img-src 'self'", `form-action ${["'self'", ...formTargets].join(' ')}`, "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
}

export const CONTENT_SECURITY_POLICY = policy([]);

/** Origins a page's form may end up at (browsers hold the redirects after a POST to form-action too). */
const formTargets = new WeakMap<FastifyRequest, string[]>();

/**
 * The sign-in form posts to us, and the answer redirects, through the provider, to the
 * client's redirect URI: that origin must be allowed too (it is a registered one: the provider
 * checked it before it sent the browser here).
 */
export function allowFormTarget(request: FastifyRequest, origin: string): void {
  formTargets.set(request, [...(formTargets.get(request) ?? []), origin]);
}

const HEADERS: Record<string, string> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function addSecurityHeaders(pages: FastifyInstance): void {
  pages.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
    reply.header('content-security-policy', policy(formTargets.get(request) ?? []));
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
