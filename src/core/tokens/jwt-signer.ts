/**
 * Signs JWTs with a tenant's keys. Private material is opened from the key store only here,
 * in process, and cached as a non-exportable KeyObject.
 */
import crypto from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { joseAlgorithm } from '../keys/algorithms.js';
import type { ChangeBus } from '../events/change-bus.js';
import type { KeyService } from '../keys/key-service.js';
import type { Tenant } from '../tenants/settings.js';

export class JwtSigner {
  private readonly cache = new Map<string, Promise<{ key: crypto.KeyObject; alg: string; kid: string }>>();

  constructor(private readonly deps: { keys: KeyService; changes: ChangeBus; now: () => number }) {
    // A key that changed or went away must not keep signing from memory.
    deps.changes.subscribe((event) => {
      if (event.type.startsWith('key.') && 'keyId' in event) this.cache.delete(event.keyId);
    });
  }

  private signingKey(keyId: string) {
    let entry = this.cache.get(keyId);
    if (!entry) {
      entry = (async () => {
        const meta = await this.deps.keys.get(keyId);
        const secret = await this.deps.keys.secretOf(keyId);
        const key = meta.type === 'HMAC' ? crypto.createSecretKey(Buffer.from(secret, 'base64')) : crypto.createPrivateKey(secret);
        return { key, alg: joseAlgorithm(meta.algorithm), kid: meta.kid };
      })();
      entry.catch(() => this.cache.delete(keyId));
      this.cache.set(keyId, entry);
    }
    return entry;
  }

  /** An access token for `subject`, valid for the tenant's access-token lifetime. */
  async accessToken(tenant: Tenant, subject: string, claims: JWTPayload = {}): Promise<{ token: string; expiresAt: number }> {
    const { key, alg, kid } = await this.signingKey(tenant.settings.tokens.accessTokenKeyId);
    const now = Math.floor(this.deps.now() / 1000);
    const exp = now + tenant.settings.tokens.accessTokenTtlSeconds;
    const token = await new SignJWT({ ...claims, tid: tenant.id })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(tenant.settings.issuer)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
      .sign(key);
    return { token, expiresAt: exp * 1000 };
  }
}
