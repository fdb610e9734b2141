/**
 * One-time identifiers a tenant issues to a user: made by the tenant's generator, alive for the
 * tenant's time to live, stored hashed, and consumed at most once.
 */
import { sha256Hex } from '../../crypto/secrets.js';
import type { PendingOneTimeId, Storage } from '../../storage/contract.js';
import type { Tenant } from '../tenants/settings.js';
import { generateId } from './generator.js';

export type OneTimePurpose = 'changePassword' | 'emailVerification' | 'setupPassword';

export class OneTimeIds {
  constructor(private readonly deps: { storage: Storage; now: () => number }) {}

  /** Issues a new id for the user; earlier ids of the same purpose stop working. */
  async issue(tenant: Tenant, userId: string, purpose: OneTimePurpose): Promise<{ id: string; expiresAt: number }> {
    const policy = tenant.settings.oneTimeIds[purpose];
    const now = this.deps.now();
    const id = generateId(policy.generator);
    const expiresAt = now + policy.ttlSeconds * 1000;
    await this.deps.storage.transaction(async (tx) => {
      const ids = tx.forTenant(tenant.id).oneTimeIds;
      await ids.revokeAll(userId, purpose, now);
      await ids.insert(sha256Hex(id), userId, purpose, expiresAt, now);
    });
    return { id, expiresAt };
  }

  peek(id: string, purpose: OneTimePurpose): Promise<PendingOneTimeId | undefined> {
    return this.deps.storage.oneTimeIds.peek(sha256Hex(id), purpose, this.deps.now());
  }

  consume(id: string, purpose: OneTimePurpose): Promise<boolean> {
    return this.deps.storage.oneTimeIds.consume(sha256Hex(id), purpose, this.deps.now());
  }
}
