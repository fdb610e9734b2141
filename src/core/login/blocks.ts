/** The blocks the lockout mechanism has placed: listed and lifted per tenant. */
import type { BlockedEntry, FailureKind, Page, Storage } from '../../storage/contract.js';
import { NotFound } from '../errors.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';

export type Block = BlockedEntry;
export type { Page };

export class BlockService {
  constructor(private readonly deps: { storage: Storage; now: () => number }) {}

  async blockedIps(tenant: Tenant, page: Page): Promise<{ blocks: Block[]; total: number }> {
    const { entries, total } = await this.deps.storage.forTenant(tenant.id).loginFailures.listBlocked('ip', this.deps.now(), page);
    return { blocks: entries, total };
  }

  async blockedUsers(tenant: Tenant, page: Page): Promise<{ blocks: Array<Block & { user: User | undefined }>; total: number }> {
    const scoped = this.deps.storage.forTenant(tenant.id);
    const { entries, total } = await scoped.loginFailures.listBlocked('user', this.deps.now(), page);
    const blocks = await Promise.all(entries.map(async (e) => ({ ...e, user: await scoped.users.find(e.subject) })));
    return { blocks, total };
  }

  async unblock(tenant: Tenant, kind: FailureKind, subject: string): Promise<void> {
    const lifted = await this.deps.storage.forTenant(tenant.id).loginFailures.unblock(kind, subject, this.deps.now());
    if (!lifted) throw new NotFound(kind === 'ip' ? 'blocked IP' : 'blocked user');
  }
}
