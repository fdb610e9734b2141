/**
 * Response headers of every page: a strict Content-Security-Policy (nothing may load but our
 * own stylesheet, the tenant's branding colours in a `<style>` block carrying this response's
 * nonce, and the logos the page shows; no script at all; forms post only to us and to where the
 * engine sends the browser next; no framing), the legacy framing and sniffing switches, no
 * referrer (page URLs carry one-time ids), and no caching unless a route set its own
 * Cache-Control (the stylesheet). The engine's own pages (logout, error) get the same headers
 * through `pageHeaders`.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface PolicyParts {
  /** Origins a form may post to, or be redirected to after posting (beside 'self'). */
  formTargets?: readonly string[];
  /** Origins images load from (beside 'self'). */
  imageOrigins?: readonly string[];
  /** The nonce of the page's `<style>` block, when it has one. */
  styleNonce?: string | undefined;
  /** Hashes (`'sha256-…'`) of inline scripts the page may run; none: no script at all. */
  scriptHashes?: readonly string[];
}

const unique = (values: readonly string[] = []) => [...new Set(values)];

export function contentSecurityPolicy(parts: PolicyParts = {}): string {
  return [
    "default-src 'none'",
    ...(parts.scriptHashes?.length ? [`script-src ${unique(parts.scriptHashes).join(' ')}`] : []),
    `style-src ${["'self'", ...(parts.styleNonce ? [`'nonce-${parts.styleNonce}'`] : [])].join(' ')}`,
    `img-src ${["'self'", ...unique(parts.imageOrigins)].join(' ')}`,
    `form-action ${["'self'", ...unique(parts.formTargets)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The policy of a page with no branding, logo or outside form target. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The origin of an http(s) URL (a form target), or undefined (URL.parse is Node 22's: not here). */
export function originOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh nonce for one response's `<style>` block. */
export function newNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

/** Every header of a page answered outside the pages' scope (the engine's pages). */
export function pageHeaders(parts: PolicyParts): Record<string, string> {
  return { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy(parts), 'cache-control': 'no-store' };
}

/** What this request's page needs of the policy (set while rendering, read when sending). */
const requestParts = new WeakMap<FastifyRequest, { formTargets: string[]; imageOrigins: string[]; styleNonce?: string }>();

function partsOf(request: FastifyRequest) {
  let parts = requestParts.get(request);
  if (!parts) requestParts.set(request, (parts = { formTargets: [], imageOrigins: [] }));
  return parts;
}

/**
 * A page's form posts to us, and the answer redirects, through the provider, to the client's
 * redirect URI: that origin must be allowed too (it is a registered one: the provider checked
 * it before it sent the browser here). Browsers hold redirects after a POST to form-action.
 */
export function allowFormTarget(request: FastifyRequest, origin: string): void {
  partsOf(request).formTargets.push(origin);
}

/** The page shows images from these origins (the tenant's and the client's logos). */
export function allowImages(request: FastifyRequest, origins: readonly string[]): void {
  partsOf(request).imageOrigins.push(...origins);
}

/** The page carries a `<style nonce>` block. */
export function allowStyleNonce(request: FastifyRequest, nonce: string): void {
  partsOf(request).styleNonce = nonce;
}

export function addSecurityHeaders(pages: FastifyInstance): void {
  pages.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    reply.header('content-security-policy', contentSecurityPolicy(requestParts.get(request)));
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
