/** The blocks the lockout mechanism has placed: listed and lifted per tenant. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type FailureKind, loginFailureStore } from '../../storage/login-failures.js';
import { userStore } from '../../storage/users.js';
import { NotFound } from '../errors.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';

export interface Block {
  subject: string;
  blockedAt: number;
  blockedUntil: number;
}

export interface Page {
  offset: number;
  limit: number;
  direction: 'asc' | 'desc';
}

export class BlockService {
  constructor(private readonly deps: { db: Kysely<Database>; now: () => number }) {}

  async blockedIps(tenant: Tenant, page: Page): Promise<{ blocks: Block[]; total: number }> {
    const { entries, total } = await loginFailureStore.listBlocked(this.deps.db, tenant.id, 'ip', this.deps.now(), page);
    return { blocks: entries, total };
  }

  async blockedUsers(tenant: Tenant, page: Page): Promise<{ blocks: Array<Block & { user: User | undefined }>; total: number }> {
    const { entries, total } = await loginFailureStore.listBlocked(this.deps.db, tenant.id, 'user', this.deps.now(), page);
    const blocks = await Promise.all(entries.map(async (e) => ({ ...e, user: await userStore.find(this.deps.db, tenant.id, e.subject) })));
    return { blocks, total };
  }

  async unblock(tenant: Tenant, kind: FailureKind, subject: string): Promise<void> {
    const lifted = await loginFailureStore.unblock(this.deps.db, { tenantId: tenant.id, kind, subject }, this.deps.now());
    if (!lifted) throw new NotFound(kind === 'ip' ? 'blocked IP' : 'blocked user');
  }
}
