/**
 * A tenant's private signing keys as the JWK set oidc-provider signs with: the tenant's id-token
 * key (RS256) first — the engine's default for ID tokens — and its access-token key (ES256).
 * Private material is opened from the key store only here, in process.
 */
import crypto from 'node:crypto';
import type { JWK } from 'jose';
import { joseAlgorithm } from '../core/keys/algorithms.js';
import type { KeyService } from '../core/keys/key-service.js';
import type { Tenant } from '../core/tenants/settings.js';

export async function tenantSigningJwks(tenant: Tenant, keys: KeyService): Promise<{ keys: JWK[] }> {
  const ids = [...new Set([tenant.settings.tokens.idTokenKeyId, tenant.settings.tokens.accessTokenKeyId])];
  const out: JWK[] = [];
  for (const id of ids) {
    const meta = await keys.get(id);
    if (meta.type === 'HMAC') continue; // a shared secret cannot be published in a JWKS
    const jwk = crypto.createPrivateKey(await keys.secretOf(id)).export({ format: 'jwk' }) as JWK;
    out.push({ ...jwk, kid: meta.kid, alg: joseAlgorithm(meta.algorithm), use: 'sig' });
  }
  return { keys: out };
}

/** The algorithm of the tenant's access-token key (access tokens are JWTs signed with it). */
export async function accessTokenAlgorithm(tenant: Tenant, keys: KeyService): Promise<string> {
  return joseAlgorithm((await keys.get(tenant.settings.tokens.accessTokenKeyId)).algorithm);
}
