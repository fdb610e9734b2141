/**
 * The Vault service's OIDC endpoints (seed 004) as doors to the tenants' providers:
 * - "Token Exchange": `POST /token` (tenant in the form's `tenant_id`) and
 *   `POST /tenants/{tenant_id}/token`, the same form as the tenant's own token endpoint;
 * - "Oidc Logout Redirect" `GET /logout?id_token_hint=…` and "Oidc Logout" `POST /logout`, the
 *   tenant named by the hint's issuer.
 * A missing or malformed form field is the Vault's 422; everything after that is the engine's
 * (RFC 6749 errors with their statuses, the hint verified, only registered post-logout URIs).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { Type } from 'typebox';
import { NotFound, ValidationFailed, problem } from '../core/errors.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { vaultOperation } from '../dialects/vault/responses.js';
import { findActiveTenant, forwardToProvider } from './mount.js';
import type { ProviderPool } from './tenant-pool.js';

export interface VaultOidcDeps {
  tenants: TenantService;
  oidc: ProviderPool;
  publicUrl: string;
}

const Field = Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\u0000]*$' });
const Optional = Type.Optional(Type.Union([Field, Type.Null()]));
const tokenFields = {
  client_id: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000]*$' }),
  grant_type: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000]*$' }),
  client_secret: Optional,
  redirect_uri: Optional,
  code: Optional,
  refresh_token: Optional,
  code_verifier: Optional,
};
const TokenForm = Type.Object(tokenFields);
const TokenFormWithTenant = Type.Object({ ...tokenFields, tenant_id: Type.String({ minLength: 1, maxLength: 64 }) });
const TokenResponse = Type.Object(
  { access_token: Type.String(), refresh_token: Type.Optional(Type.String()), id_token: Type.Optional(Type.String()), token_type: Type.String(), expires_in: Type.Integer() },
  { additionalProperties: true },
);
const LogoutFields = Type.Object({ id_token_hint: Field, state: Optional, post_logout_redirect_uri: Optional, client_id: Optional });
const TAG = 'Vault: OIDC';

async function activeTenant(tenants: TenantService, ref: string): Promise<Tenant> {
  const tenant = await findActiveTenant(() => tenants.getBySlugOrId(ref.toLowerCase()));
  if (!tenant) throw new NotFound('tenant');
  return tenant;
}

/** The engine reads an already-parsed form from `req.body` (the stream was read by the form parser). */
function handOverForm(request: FastifyRequest): void {
  const body = (request.body ?? {}) as Record<string, unknown>;
  // Null-valued optional fields are "not given".
  (request.raw as typeof request.raw & { body?: unknown }).body = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/** The tenant whose provider issued this ID token, by its issuer (verification is the engine's). */
async function tenantOfHint(deps: VaultOidcDeps, hint: string): Promise<Tenant> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(hint).iss;
  } catch {
    issuer = undefined;
  }
  const prefix = `${deps.publicUrl}/`;
  if (typeof issuer !== 'string' || !issuer.startsWith(prefix) || issuer.slice(prefix.length).includes('/')) {
    throw new ValidationFailed([problem('id_token_hint', 'invalid', 'Not an ID token issued by this service.')]);
  }
  return activeTenant(deps.tenants, issuer.slice(prefix.length));
}

/** `POST /token`, under its own prefix scope (`/token`). */
export async function registerVaultTokenRoute(scope: FastifyInstance, deps: VaultOidcDeps): Promise<void> {
  await scope.register(formbody);
  const op = vaultOperation({ summary: 'Token Exchange: a tenant’s token endpoint, the tenant named in the form (no API key: the client authenticates)', tag: TAG, body: TokenFormWithTenant, responses: { 200: TokenResponse }, errors: [404, 422], anonymous: true });
  scope.post('', { schema: { ...op, consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
    const tenant = await activeTenant(deps.tenants, (request.body as { tenant_id: string }).tenant_id);
    handOverForm(request);
    return forwardToProvider(deps.oidc, tenant, request, reply, '/token');
  });
}

/** `POST /tenants/{tenant_id}/token`, in the Vault's `/tenants` scope (outside its API-key hook). */
export async function registerVaultTenantTokenRoute(scope: FastifyInstance, deps: VaultOidcDeps): Promise<void> {
  await scope.register(async (forms) => {
    await forms.register(formbody);
    const op = vaultOperation({ summary: 'Token Exchange Standard: the tenant’s token endpoint (no API key: the client authenticates)', tag: TAG, body: TokenForm, responses: { 200: TokenResponse }, errors: [404, 422], anonymous: true });
    forms.post<{ Params: { tenant_id: string } }>('/:tenant_id/token', { schema: { ...op, consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
      const tenant = await activeTenant(deps.tenants, request.params.tenant_id);
      handOverForm(request);
      return forwardToProvider(deps.oidc, tenant, request, reply, '/token');
    });
  });
}

/** `GET` and `POST /logout`, under their own prefix scope (`/logout`). */
export async function registerVaultLogoutRoutes(scope: FastifyInstance, deps: VaultOidcDeps): Promise<void> {
  await scope.register(formbody);
  const summary = 'Oidc Logout: end the session at the issuer of the id_token_hint, then go to a registered post_logout_redirect_uri';
  const responses = { 200: Type.String({ description: 'The logout confirmation page (HTML)' }) };
  scope.get('', { schema: vaultOperation({ summary: `${summary} (redirect form)`, tag: TAG, querystring: LogoutFields, responses, errors: [400, 422], anonymous: true }) }, async (request, reply: FastifyReply) => {
    const tenant = await tenantOfHint(deps, (request.query as { id_token_hint: string }).id_token_hint);
    return forwardToProvider(deps.oidc, tenant, request, reply, '/session/end');
  });
  scope.post('', { schema: { ...vaultOperation({ summary, tag: TAG, body: LogoutFields, responses, errors: [400, 422], anonymous: true }), consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
    const tenant = await tenantOfHint(deps, (request.body as { id_token_hint: string }).id_token_hint);
    handOverForm(request);
    return forwardToProvider(deps.oidc, tenant, request, reply, '/session/end');
  });
}
