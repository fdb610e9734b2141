/**
 * The storage contract (./contract.ts) over Kysely, for SQLite and PostgreSQL alike. One
 * instance per database handle; `transaction()` hands out a twin bound to the transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DatabaseHandle } from '../db/connect.js';
import { KyselyApiKeyRepository } from './api-keys.js';
import { KyselyChangeFeedRepository } from './change-feed.js';
import { KyselyClientRepository } from './clients.js';
import type { DatabaseKind, Storage, TenantStorage } from './contract.js';
import { KyselyEmailTemplateRepository } from './email-templates.js';
import type { Executor } from './executor.js';
import { KyselyKeyRepository } from './keys.js';
import { KyselyLoginFailureRepository } from './login-failures.js';
import { KyselyOidcModelRepository, purgeExpiredOidc, tenantsHoldingOidc } from './oidc-models.js';
import { KyselyOneTimeIdLookup, KyselyOneTimeIdRepository } from './one-time-ids.js';
import { KyselySessionRepository, purgeExpiredSessions } from './sessions.js';
import { TableStatistics } from './statistics.js';
import { KyselySystemStateRepository } from './system-state.js';
import { KyselyTenantRepository } from './tenants.js';
import { KyselyUserRepository, userIdsTaken } from './users.js';

interface Shared {
  handle: DatabaseHandle;
  statistics: TableStatistics;
}

class KyselyStorage implements Storage {
  readonly kind: DatabaseKind;
  readonly tenants: KyselyTenantRepository;
  readonly keys: KyselyKeyRepository;
  readonly apiKeys: KyselyApiKeyRepository;
  readonly emailTemplates: KyselyEmailTemplateRepository;
  readonly system: KyselySystemStateRepository;
  readonly changes: KyselyChangeFeedRepository;
  readonly oneTimeIds: KyselyOneTimeIdLookup;

  constructor(
    private readonly shared: Shared,
    private readonly db: Executor,
    private readonly inTransaction: boolean,
  ) {
    this.kind = shared.handle.kind;
    this.tenants = new KyselyTenantRepository(db, this.kind);
    this.keys = new KyselyKeyRepository(db);
    this.apiKeys = new KyselyApiKeyRepository(db);
    this.emailTemplates = new KyselyEmailTemplateRepository(db);
    this.system = new KyselySystemStateRepository(db);
    this.changes = new KyselyChangeFeedRepository(db);
    this.oneTimeIds = new KyselyOneTimeIdLookup(db);
  }

  forTenant(tenantId: string): TenantStorage {
    const { db, kind } = this;
    return {
      tenantId,
      users: new KyselyUserRepository(db, kind, tenantId, this.shared.statistics),
      loginFailures: new KyselyLoginFailureRepository(db, tenantId),
      oneTimeIds: new KyselyOneTimeIdRepository(db, tenantId),
      clients: new KyselyClientRepository(db, tenantId),
      oidc: new KyselyOidcModelRepository(db, tenantId),
      sessions: new KyselySessionRepository(db, kind, tenantId),
    };
  }

  purgeExpiredOidc(now: number): Promise<number> {
    return purgeExpiredOidc(this.db, now);
  }

  purgeExpiredSessions(now: number): Promise<number> {
    return purgeExpiredSessions(this.db, now);
  }

  tenantsHoldingOidc(model: string, id: string): Promise<string[]> {
    return tenantsHoldingOidc(this.db, model, id);
  }

  userIdsTaken(ids: string[]): Promise<Set<string>> {
    return userIdsTaken(this.db, ids);
  }

  async transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => work(new KyselyStorage(this.shared, trx, true)));
  }

  ping(): Promise<boolean> {
    return this.shared.handle.ping();
  }

  settle(): Promise<void> {
    return this.shared.statistics.settle();
  }

  async close(): Promise<void> {
    await this.shared.statistics.settle();
    await this.shared.handle.close();
  }
}

export function createStorage(handle: DatabaseHandle, options: { now: () => number; log?: { warn: (obj: unknown, msg: string) => void } }): Storage {
  const statistics = new TableStatistics({ db: handle.db, kind: handle.kind, now: options.now, ...(options.log ? { log: options.log } : {}) });
  return new KyselyStorage({ handle, statistics }, handle.db, false);
}
