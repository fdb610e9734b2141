/**
 * The first path segments the server keeps for itself. A tenant's slug is the first segment of
 * its issuer (`{PUBLIC_URL}/{slug}`) and of the tenant's own pages, so no slug may be one of
 * these; and every route the application registers must begin with one of them or with a
 * parameter (the tenant's slug) — src/http/app.ts checks each route as it is registered, so a
 * new top-level route that is not listed here fails at start, in every test.
 *
 * Adding a name later changes nothing for tenants that already have it as their slug; pick
 * names before they are needed (hence the ones the coming APIs and pages will use).
 */
export const RESERVED_PATH_SEGMENTS: ReadonlySet<string> = new Set([
  // FusionAuth API, Vault API (served today)
  'api',
  'tenants',
  // Vault API resources that sit beside /tenants
  'clients',
  'client',
  'users',
  'user',
  'token',
  'logout',
  'sessions',
  'session',
  'scim',
  // OAuth 2.0 / OpenID Connect endpoints and discovery
  'oauth2',
  'authorize',
  'userinfo',
  'jwks',
  '.well-known',
  // pages, assets, operations
  'admin',
  'login',
  'register',
  'account',
  'password',
  'email',
  'passkeys',
  'static',
  'assets',
  'docs',
  'health',
  'metrics',
  'favicon.ico',
  'robots.txt',
]);

/** Does the segment (compared in lower case, as slugs are) belong to the server? */
export function isReservedPathSegment(segment: string): boolean {
  return RESERVED_PATH_SEGMENTS.has(segment.toLowerCase());
}
