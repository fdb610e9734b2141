/**
 * CSRF protection for the page forms: @fastify/csrf-protection over @fastify/cookie. The
 * secret lives in an HttpOnly, SameSite=Lax cookie scoped to the tenant's path (`/{slug}/`), so
 * two tenants never share browser state, and Secure when PUBLIC_URL is https; each form carries
 * a token derived from it in the `_csrf` field.
 */
import type { FastifyInstance, FastifyReply, preHandlerHookHandler } from 'fastify';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';

export const CSRF_COOKIE = 'tessera_csrf';

export async function registerCsrf(pages: FastifyInstance, options: { secure: boolean }): Promise<void> {
  await pages.register(cookie);
  await pages.register(csrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' },
    // Only the form field: the pages post plain HTML forms, nothing sends headers.
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      return body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : '';
    },
  });
}

/** A token for a form on a page under `/{tenantPath}/` (sets the cookie when the browser has none). */
export function csrfToken(reply: FastifyReply, tenantPath: string): string {
  return reply.generateCsrf({ path: `/${tenantPath}/` });
}

export function verifyCsrf(pages: FastifyInstance): preHandlerHookHandler {
  return pages.csrfProtection;
}
