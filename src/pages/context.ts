/**
 * What every page request works out first: the locale, and the tenant its path names (by slug,
 * through TenantService.getBySlugOrId). An unknown tenant is a 404 page. The resolved tenant is
 * remembered per request so an error page later on still shows the tenant's name.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../core/errors.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { type LocaleChoice, pickLocale } from './i18n/index.js';
import { rememberTenant, resolvedTenant } from './request-tenant.js';
import { page } from './view.js';

/** Longer ids than any generator makes (randomBytes 128 → 171 characters) are not looked up. */
export const MAX_ID_LENGTH = 512;
const MAX_SLUG_LENGTH = 100;

export function localeOf(request: FastifyRequest): LocaleChoice {
  const header = request.headers['accept-language'];
  return pickLocale(request.query, typeof header === 'string' ? header : undefined);
}

export function tenantOf(request: FastifyRequest): Tenant {
  const tenant = resolvedTenant(request);
  if (!tenant) throw new Error('page route without a resolved tenant');
  return tenant;
}

/** A preHandler: resolves `:slug`, or answers the 404 page. */
export function resolveTenant(service: TenantService) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const slug = (request.params as { slug?: unknown }).slug;
    let tenant: Tenant | undefined;
    if (typeof slug === 'string' && slug.length > 0 && slug.length <= MAX_SLUG_LENGTH) {
      try {
        tenant = await service.getBySlugOrId(slug);
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
    if (!tenant || tenant.state !== 'Active') {
      const locale = localeOf(request);
      // Returning the reply ends the request here: the route's handler does not run.
      return page(request, reply, 404, 'message', locale, { title: locale.messages.errors.notFoundTitle, message: locale.messages.errors.notFound, kind: 'error' });
    }
    rememberTenant(request, tenant);
    return undefined;
  };
}

/** The one-time id in the path (the route's wildcard), when it is one that could exist. */
export function idOf(request: FastifyRequest): string | undefined {
  const id = (request.params as Record<string, unknown>)['*'];
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH && !id.includes('/') ? id : undefined;
}

/** The URL path segment the tenant was addressed by (its cookie path). */
export function tenantPathOf(request: FastifyRequest): string {
  return String((request.params as { slug: string }).slug);
}

/** The form fields as strings: undefined when the body is not a form or a field is repeated. */
export function formFields(body: unknown, names: readonly string[]): Record<string, string | undefined> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
    if (value !== undefined && typeof value !== 'string') return undefined;
    out[name] = value;
  }
  return out;
}
