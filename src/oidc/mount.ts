/**
 * Serves every tenant's OpenID Provider at its issuer path `/{slug}/…` (discovery, JWKS,
 * authorization, token, userinfo, introspection, revocation, logout) and FusionAuth's
 * `/.well-known/openid-configuration/{tenantId}`. The scope has no body parsers: the engine
 * reads its own bodies from the raw request. Hosted pages (`/{slug}/password/…`, the
 * interaction pages) are more specific routes and win over this catch-all.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tenant } from '../core/tenants/settings.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { NotFound } from '../core/errors.js';
import { isReservedPathSegment } from '../core/tenants/reserved-slugs.js';
import { SLUG_PATTERN } from '../core/tenants/slug.js';
import { isUuid } from '../util/uuid.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PooledProvider, ProviderPool } from './tenant-pool.js';
import { rememberClientAddress } from './client-address.js';

export interface OidcMountDeps {
  tenants: TenantService;
  oidc: ProviderPool;
  /**
   * Answers a URL no tenant owns, in the shape of the dialect whose prefix it falls under
   * (`/tenants/nothing-here` is the Vault's 404): the catch-all must not change those answers.
   */
  notFound: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

/** The tenant `find` names, when it exists and is Active (a tenant being deleted has no provider). */
export async function findActiveTenant(find: () => Promise<Tenant>): Promise<Tenant | undefined> {
  try {
    const tenant = await find();
    return tenant.state === 'Active' ? tenant : undefined;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

/**
 * The provider of the tenant whose issuer path `/{slug}` is, with that tenant: the one the pool
 * holds for the slug, else the tenant looked up (active, and named by its slug, not its id) and
 * its provider built. Undefined for a slug no active tenant has (the catch-all's 404).
 */
export async function issuerProvider(deps: { tenants: TenantService; oidc: ProviderPool }, slug: string): Promise<{ tenant: Tenant; pooled: PooledProvider } | undefined> {
  if (!SLUG_PATTERN.test(slug) || isReservedPathSegment(slug)) return undefined;
  const held = deps.oidc.bySlug(slug);
  if (held) return { tenant: held.tenant, pooled: await held.built };
  const tenant = await findActiveTenant(() => deps.tenants.getBySlugOrId(slug));
  if (!tenant || tenant.slug !== slug) return undefined;
  return { tenant, pooled: await deps.oidc.get(tenant) };
}

/**
 * Hands the raw request to the tenant's provider (its pooled `handle`) as if it were mounted at
 * `/{slug}`; `path` is the engine's, `clientAddress` the request's as TRUST_PROXY decides.
 */
export function deliver(handle: PooledProvider['handle'], tenant: Tenant, raw: IncomingMessage & { originalUrl?: string }, res: ServerResponse, path: string, clientAddress: string): void {
  const query = raw.url?.includes('?') ? raw.url.slice(raw.url.indexOf('?')) : '';
  raw.originalUrl = `/${tenant.slug}${path}${query}`;
  raw.url = `${path}${query}`;
  rememberClientAddress(raw, clientAddress);
  // The JWKS comes from memory and changes only by rotation (the next key is published ahead)
  // or revocation: relying parties may cache it briefly, so a revocation reaches them within 30 s.
  if (path === '/jwks') res.setHeader('cache-control', 'public, max-age=30');
  handle(raw, res);
}

/** The catch-all's hand-over: the provider first (a failed build is still Fastify's to answer), then the raw request. */
export async function forwardToProvider(oidc: ProviderPool, tenant: Tenant, request: FastifyRequest, reply: FastifyReply, path: string): Promise<void> {
  const { handle } = await oidc.get(tenant);
  reply.hijack();
  deliver(handle, tenant, request.raw, reply.raw, path, request.ip);
}

export async function registerOidc(app: FastifyInstance, deps: OidcMountDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Leave the body unread for the engine.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    const issuerRoute = async (request: FastifyRequest<{ Params: { slug: string; '*'?: string } }>, reply: FastifyReply) => {
      const found = await issuerProvider(deps, request.params.slug);
      if (!found) return deps.notFound(request, reply);
      reply.hijack();
      deliver(found.pooled.handle, found.tenant, request.raw, reply.raw, `/${request.params['*'] ?? ''}`, request.ip);
    };
    // The engine's endpoints are documented by each issuer's discovery document, not here.
    const hidden = { schema: { hide: true } };
    scope.all('/:slug', hidden, issuerRoute);
    scope.all('/:slug/*', hidden, issuerRoute);

    // FusionAuth names a tenant's discovery document by the tenant's id.
    scope.get<{ Params: { tenantId: string } }>('/.well-known/openid-configuration/:tenantId', hidden, async (request, reply) => {
      const id = request.params.tenantId.toLowerCase();
      if (!isUuid(id)) return deps.notFound(request, reply);
      const tenant = await findActiveTenant(() => deps.tenants.get({}, id));
      if (!tenant) return deps.notFound(request, reply);
      return forwardToProvider(deps.oidc, tenant, request, reply, '/.well-known/openid-configuration');
    });
  });
}
