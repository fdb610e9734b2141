/**
 * A tenant's user rows ⇄ core users. Every statement names the tenant: a user id alone never
 * reaches a row. (The one global question — is an id taken anywhere — is `userIdsTaken`, which
 * answers with ids only.)
 */
import { type Insertable, type Selectable, sql } from 'kysely';
import type { UsersTable } from '../db/schema.js';
import type { StoredPassword } from '../crypto/passwords/types.js';
import type { PasswordScheme, User, UserQuery } from '../core/domain.js';
import type { DatabaseKind, UserRepository } from './contract.js';
import { type Executor, uniquely } from './executor.js';
import { preparedQuery } from './prepared.js';
import type { TableStatistics } from './statistics.js';

function toUser(row: Selectable<UsersTable>): User {
  const password: StoredPassword | null = row.password_hash
    ? { scheme: row.password_scheme as PasswordScheme, factor: Number(row.password_factor), salt: row.password_salt, hash: row.password_hash }
    : null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    disabled: Boolean(row.is_disabled),
    verified: Boolean(row.is_verified),
    locale: row.locale,
    roles: JSON.parse(row.roles) as string[],
    externalId: row.external_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    password,
    passwordChangedAt: row.password_changed_at === null ? null : Number(row.password_changed_at),
    passwordChangeRequired: Boolean(row.password_change_required),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toRow(user: User): Insertable<UsersTable> {
  return {
    id: user.id,
    tenant_id: user.tenantId,
    username: user.username,
    username_lower: user.username?.toLowerCase() ?? null,
    email: user.email,
    email_lower: user.email?.toLowerCase() ?? null,
    is_disabled: user.disabled ? 1 : 0,
    is_verified: user.verified ? 1 : 0,
    locale: user.locale,
    roles: JSON.stringify(user.roles),
    external_id: user.externalId,
    data: JSON.stringify(user.data),
    password_scheme: user.password?.scheme ?? null,
    password_factor: user.password?.factor ?? null,
    password_salt: user.password?.salt ?? null,
    password_hash: user.password?.hash ?? null,
    password_changed_at: user.passwordChangedAt,
    password_change_required: user.passwordChangeRequired ? 1 : 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** The first string after every string with this prefix (for index-friendly prefix ranges). */
function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

const SORT_COLUMN = { created_at: 'created_at', username: 'username_lower', email: 'email_lower' } as const;

/** The users whose email or username is this (lower-cased) login id: one, or two that share it. */
const usersByLoginId = preparedQuery<{ tenantId: string; lower: string }, Selectable<UsersTable>>(['tenantId', 'lower'], (db, p) =>
  db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', p.tenantId)
    .where((eb) => eb.or([eb('email_lower', '=', p.lower), eb('username_lower', '=', p.lower)]))
    .limit(2),
);

const UNIQUE = { username_lower: 'username', email_lower: 'email', id: 'user_id' };

/** Which of these user ids are taken in any tenant. */
export async function userIdsTaken(db: Executor, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('users').select('id').where('id', 'in', ids.slice(i, i + 500)).execute();
    rows.forEach((r) => found.add(r.id));
  }
  return found;
}

export class KyselyUserRepository implements UserRepository {
  constructor(
    private readonly db: Executor,
    private readonly kind: DatabaseKind,
    private readonly tenantId: string,
    private readonly statistics?: TableStatistics,
  ) {}

  async find(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  }

  async findByLoginId(loginId: string): Promise<User | undefined> {
    const lower = loginId.toLowerCase();
    const { rows } = await usersByLoginId(this.db, { tenantId: this.tenantId, lower });
    if (rows.length <= 1) return rows[0] && toUser(rows[0]);
    const preferEmail = loginId.includes('@');
    const row = rows.find((r) => (preferEmail ? r.email_lower === lower : r.username_lower === lower)) ?? rows[0]!;
    return toUser(row);
  }

  async taken(usernames: string[], emails: string[]): Promise<{ usernames: Set<string>; emails: Set<string> }> {
    const found = { usernames: new Set<string>(), emails: new Set<string>() };
    const chunk = 500;
    for (let i = 0; i < usernames.length; i += chunk) {
      const rows = await this.db.selectFrom('users').select('username_lower').where('tenant_id', '=', this.tenantId).where('username_lower', 'in', usernames.slice(i, i + chunk)).execute();
      rows.forEach((r) => r.username_lower && found.usernames.add(r.username_lower));
    }
    for (let i = 0; i < emails.length; i += chunk) {
      const rows = await this.db.selectFrom('users').select('email_lower').where('tenant_id', '=', this.tenantId).where('email_lower', 'in', emails.slice(i, i + chunk)).execute();
      rows.forEach((r) => r.email_lower && found.emails.add(r.email_lower));
    }
    return found;
  }

  async list(query: UserQuery): Promise<{ users: User[]; totalCount: number }> {
    let base = this.db.selectFrom('users').where('tenant_id', '=', this.tenantId);
    if (query.username) {
      const p = query.username.toLowerCase();
      base = base.where('username_lower', '>=', p).where('username_lower', '<', prefixEnd(p));
    }
    if (query.email) {
      const p = query.email.toLowerCase();
      base = base.where('email_lower', '>=', p).where('email_lower', '<', prefixEnd(p));
    }
    const direction = query.sortDirection === 1 ? 'asc' : 'desc';
    const column = SORT_COLUMN[query.sortBy];
    // Find the page's ids in the index alone (a deep offset skips index entries, not rows), then
    // read just those rows.
    const page = await base.select(['id', column]).orderBy(column, direction).orderBy('id', direction).limit(query.limit).offset(query.offset).execute();
    const ids = page.map((r) => r.id);
    // The rows by primary key, the tenant checked too. On SQLite the tenant condition is written
    // `+tenant_id` so the planner keeps to the primary key (with a plain column it may walk the
    // tenant's index instead: a million rows).
    const tenantCondition = this.kind === 'sqlite' ? sql<boolean>`+${sql.ref('tenant_id')} = ${this.tenantId}` : sql<boolean>`${sql.ref('tenant_id')} = ${this.tenantId}`;
    const rows = ids.length ? await this.db.selectFrom('users').selectAll().where('id', 'in', ids).where(tenantCondition).execute() : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const users = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toUser(row)] : [];
    });
    const filtered = Boolean(query.username || query.email);
    const totalCount = filtered ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : await this.count();
    return { users, totalCount };
  }

  /** The tenant's user count, kept by insert and delete (no count over the tenant's rows). */
  async count(): Promise<number> {
    const row = await this.db.selectFrom('tenant_user_counts').select('user_count').where('tenant_id', '=', this.tenantId).executeTakeFirst();
    return row ? Number(row.user_count) : 0;
  }

  private async adjustCount(delta: number): Promise<void> {
    if (delta === 0) return;
    await this.db
      .insertInto('tenant_user_counts')
      .values({ tenant_id: this.tenantId, user_count: delta })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet((eb) => ({ user_count: eb('tenant_user_counts.user_count', '+', delta) })))
      .execute();
  }

  /** Call inside a transaction: the rows and the tenant's count change together. */
  async insert(users: User[]): Promise<void> {
    const foreign = users.find((u) => u.tenantId !== this.tenantId);
    if (foreign) throw new Error(`user ${foreign.id} belongs to tenant ${foreign.tenantId}, not ${this.tenantId}`);
    // Bounded statements: SQLite allows 32,766 bound values; 20 columns × 500 rows stays below.
    for (let i = 0; i < users.length; i += 500) {
      const chunk = users.slice(i, i + 500).map(toRow);
      await uniquely('user', UNIQUE, () => this.db.insertInto('users').values(chunk).execute());
    }
    await this.adjustCount(users.length);
    this.statistics?.noteBulkInsert('users', users.length);
  }

  async update(user: User): Promise<void> {
    const { id: _id, tenant_id: _tenant, created_at: _created, ...changes } = toRow(user);
    await uniquely('user', UNIQUE, () => this.db.updateTable('users').set(changes).where('tenant_id', '=', this.tenantId).where('id', '=', user.id).execute());
  }

  async setPasswordHash(user: User): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_scheme: user.password?.scheme ?? null, password_factor: user.password?.factor ?? null, password_salt: user.password?.salt ?? null, password_hash: user.password?.hash ?? null })
      .where('tenant_id', '=', this.tenantId)
      .where('id', '=', user.id)
      .execute();
  }

  /** Call inside a transaction: the rows and the tenant's count change together. */
  async delete(ids: string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const result = await this.db.deleteFrom('users').where('tenant_id', '=', this.tenantId).where('id', 'in', ids.slice(i, i + 500)).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    await this.adjustCount(-deleted);
    return deleted;
  }

  async passwordHistory(userId: string, depth: number): Promise<StoredPassword[]> {
    if (depth <= 0) return [];
    const rows = await this.db
      .selectFrom('password_history')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(depth)
      .execute();
    return rows.map((r) => ({ scheme: r.scheme as PasswordScheme, factor: r.factor, salt: r.salt, hash: r.hash }));
  }

  async rememberPassword(userId: string, password: StoredPassword, at: number, keep: number): Promise<void> {
    await this.db
      .insertInto('password_history')
      .values({ tenant_id: this.tenantId, user_id: userId, scheme: password.scheme, factor: password.factor, salt: password.salt, hash: password.hash, created_at: at })
      .execute();
    const mine = this.db.selectFrom('password_history').where('tenant_id', '=', this.tenantId).where('user_id', '=', userId);
    const stale = await mine.select('created_at').orderBy('created_at', 'desc').offset(Math.max(keep, 1)).limit(1).executeTakeFirst();
    if (stale) {
      await this.db.deleteFrom('password_history').where('tenant_id', '=', this.tenantId).where('user_id', '=', userId).where('created_at', '<=', stale.created_at).execute();
    }
  }
}
