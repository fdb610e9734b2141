/**
 * A tenant's keystore (core/keys/keystore-service.ts) in the Vault dialect:
 *   GET  /tenants/{tenant_id}/keys               → the keystore and its public JWKS
 *   POST /tenants/{tenant_id}/keys/rotate        → rotate every family, answer the keystore
 *   POST /tenants/{tenant_id}/keys/{kid}/revoke  → revoke one key, answer the keystore
 * Entries follow seed 000's `keystore[]` (`key`, `created_at`, `rotated_at`, `revoked_at`; the
 * instants absent until they happened) with the key's `state` and whether it is `published`.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Keystore, KeystoreService } from '../../core/keys/keystore-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import { keystoreEntriesJson } from '../keystore-json.js';
import { tenantOf } from './context.js';
import { VaultKeystore, vaultOperation } from './responses.js';
import { VaultTenantParams } from './user-schema.js';

/** A kid is a JWK thumbprint (base64url, RFC 7638) or, for older keys, another base64url id. */
const KidParams = Type.Object({ ...VaultTenantParams.properties, kid: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) });

function toVault(tenant: Tenant, keystore: Keystore) {
  return { tenant_id: tenant.slug, keystore: keystoreEntriesJson(keystore), keys: keystore.jwks.keys };
}

const TAG = 'Vault: Signing keys';

/** Paths are under the Vault scope's prefix, /tenants. */
export function registerVaultKeystoreRoutes(app: FastifyInstance, deps: { keystore: KeystoreService }): void {
  const answer = { 200: VaultKeystore };
  app.get('/:tenant_id/keys', { schema: vaultOperation({ summary: "The tenant's keystore and public JWKS", tag: TAG, params: VaultTenantParams, responses: answer, errors: [422] }) }, async (request, reply) => {
    const tenant = tenantOf(request);
    return reply.send(toVault(tenant, await deps.keystore.keystore(tenant)));
  });

  app.post('/:tenant_id/keys/rotate', { schema: vaultOperation({
    summary: 'Rotate the signing keys: next becomes current, current becomes previous, a new next key is published',
    tag: TAG, params: VaultTenantParams, responses: answer, errors: [422],
  }) }, async (request, reply) => {
    const tenant = tenantOf(request);
    return reply.send(toVault(tenant, await deps.keystore.rotate(tenant)));
  });

  app.post<{ Params: { kid: string } }>('/:tenant_id/keys/:kid/revoke', { schema: vaultOperation({
    summary: 'Revoke a signing key: it leaves the JWKS at once (a current key is replaced by the next one)',
    tag: TAG, params: KidParams, responses: answer, errors: [422],
  }) }, async (request, reply) => {
    const tenant = tenantOf(request);
    return reply.send(toVault(tenant, await deps.keystore.revoke(tenant, request.params.kid)));
  });
}
