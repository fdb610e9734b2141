/**
 * One-time identifiers a tenant issues to a user: made by the tenant's generator, alive for the
 * tenant's time to live, stored hashed, and consumed at most once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { type OneTimeIdRow, oneTimeIdStore } from '../../storage/one-time-ids.js';
import type { Tenant } from '../tenants/settings.js';
import { generateId } from './generator.js';

export type OneTimePurpose = 'changePassword' | 'emailVerification' | 'setupPassword';

export class OneTimeIds {
  constructor(private readonly deps: { db: Kysely<Database>; now: () => number }) {}

  /** Issues a new id for the user; earlier ids of the same purpose stop working. */
  async issue(tenant: Tenant, userId: string, purpose: OneTimePurpose): Promise<{ id: string; expiresAt: number }> {
    const policy = tenant.settings.oneTimeIds[purpose];
    const now = this.deps.now();
    const id = generateId(policy.generator);
    const expiresAt = now + policy.ttlSeconds * 1000;
    await this.deps.db.transaction().execute(async (trx) => {
      await oneTimeIdStore.revokeAll(trx, userId, purpose, now);
      await oneTimeIdStore.insert(trx, sha256Hex(id), { tenantId: tenant.id, userId, purpose, expiresAt }, now);
    });
    return { id, expiresAt };
  }

  peek(id: string, purpose: OneTimePurpose): Promise<OneTimeIdRow | undefined> {
    return oneTimeIdStore.peek(this.deps.db, sha256Hex(id), purpose, this.deps.now());
  }

  consume(id: string, purpose: OneTimePurpose): Promise<boolean> {
    return oneTimeIdStore.consume(this.deps.db, sha256Hex(id), purpose, this.deps.now());
  }
}
