/** User rows ⇄ core users. Every query names the tenant: a user id alone never reaches a row. */
import type { Insertable, Selectable } from 'kysely';
import type { UsersTable } from '../db/schema.js';
import type { StoredPassword } from '../crypto/passwords/index.js';
import type { PasswordScheme } from '../core/tenants/settings.js';
import type { User, UserQuery } from '../core/users/user.js';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';

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

export const userStore = {
  async find(db: Executor, tenantId: string, id: string): Promise<User | undefined> {
    const row = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  },

  async findByUsername(db: Executor, tenantId: string, username: string): Promise<User | undefined> {
    const row = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  },

  async findByEmail(db: Executor, tenantId: string, email: string): Promise<User | undefined> {
    const row = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  },

  /**
   * A login id is an email or a username: one query for both. When it matches one user's email
   * and another's username, the email wins if the id looks like an email, else the username.
   */
  async findByLoginId(db: Executor, tenantId: string, loginId: string): Promise<User | undefined> {
    const lower = loginId.toLowerCase();
    const { rows } = await usersByLoginId(db, { tenantId, lower });
    if (rows.length <= 1) return rows[0] && toUser(rows[0]);
    const preferEmail = loginId.includes('@');
    const row = rows.find((r) => (preferEmail ? r.email_lower === lower : r.username_lower === lower)) ?? rows[0]!;
    return toUser(row);
  },

  /** Is the id taken anywhere (ids are global so the FusionAuth API can address users by id alone)? */
  async idExists(db: Executor, id: string): Promise<boolean> {
    return Boolean(await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst());
  },

  /** Which of these ids are taken, in any tenant. */
  async existingIds(db: Executor, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('users').select('id').where('id', 'in', ids.slice(i, i + 500)).execute();
      rows.forEach((r) => found.add(r.id));
    }
    return found;
  },

  /** Which of these lower-cased usernames / emails are taken in the tenant. */
  async taken(db: Executor, tenantId: string, usernames: string[], emails: string[]): Promise<{ usernames: Set<string>; emails: Set<string> }> {
    const found = { usernames: new Set<string>(), emails: new Set<string>() };
    const chunk = 500;
    for (let i = 0; i < usernames.length; i += chunk) {
      const rows = await db.selectFrom('users').select('username_lower').where('tenant_id', '=', tenantId).where('username_lower', 'in', usernames.slice(i, i + chunk)).execute();
      rows.forEach((r) => r.username_lower && found.usernames.add(r.username_lower));
    }
    for (let i = 0; i < emails.length; i += chunk) {
      const rows = await db.selectFrom('users').select('email_lower').where('tenant_id', '=', tenantId).where('email_lower', 'in', emails.slice(i, i + chunk)).execute();
      rows.forEach((r) => r.email_lower && found.emails.add(r.email_lower));
    }
    return found;
  },

  async list(db: Executor, tenantId: string, query: UserQuery): Promise<{ users: User[]; totalCount: number }> {
    let base = db.selectFrom('users').where('tenant_id', '=', tenantId);
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
    // By primary key alone: with the tenant in the WHERE too, SQLite's planner may walk the
    // tenant's index instead (a million rows). The ids came from a tenant-scoped query, and
    // the tenant is checked again below.
    const rows = ids.length ? await db.selectFrom('users').selectAll().where('id', 'in', ids).execute() : [];
    const byId = new Map(rows.filter((r) => r.tenant_id === tenantId).map((r) => [r.id, r]));
    const users = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toUser(row)] : [];
    });
    const filtered = Boolean(query.username || query.email);
    const totalCount = filtered
      ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
      : await userStore.count(db, tenantId);
    return { users, totalCount };
  },

  /** The tenant's user count, kept by insert and delete (no count over the tenant's rows). */
  async count(db: Executor, tenantId: string): Promise<number> {
    const row = await db.selectFrom('tenant_user_counts').select('user_count').where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? Number(row.user_count) : 0;
  },

  async adjustCount(db: Executor, tenantId: string, delta: number): Promise<void> {
    if (delta === 0) return;
    await db
      .insertInto('tenant_user_counts')
      .values({ tenant_id: tenantId, user_count: delta })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet((eb) => ({ user_count: eb('tenant_user_counts.user_count', '+', delta) })))
      .execute();
  },

  /** Call inside a transaction: the rows and the tenant's count change together. */
  async insert(db: Executor, users: User[]): Promise<void> {
    // Bounded statements: SQLite allows 32,766 bound values; 20 columns × 500 rows stays below.
    for (let i = 0; i < users.length; i += 500) {
      await db.insertInto('users').values(users.slice(i, i + 500).map(toRow)).execute();
    }
    const perTenant = new Map<string, number>();
    for (const user of users) perTenant.set(user.tenantId, (perTenant.get(user.tenantId) ?? 0) + 1);
    for (const [tenantId, n] of perTenant) await userStore.adjustCount(db, tenantId, n);
  },

  async update(db: Executor, user: User): Promise<void> {
    const { id: _id, tenant_id: _tenant, created_at: _created, ...changes } = toRow(user);
    await db.updateTable('users').set(changes).where('tenant_id', '=', user.tenantId).where('id', '=', user.id).execute();
  },

  /** Replaces only the stored hash (a re-hash: the password itself, and its age, are unchanged). */
  async setPasswordHash(db: Executor, user: User): Promise<void> {
    await db
      .updateTable('users')
      .set({ password_scheme: user.password?.scheme ?? null, password_factor: user.password?.factor ?? null, password_salt: user.password?.salt ?? null, password_hash: user.password?.hash ?? null })
      .where('tenant_id', '=', user.tenantId)
      .where('id', '=', user.id)
      .execute();
  },

  /** Call inside a transaction: the rows and the tenant's count change together. */
  async delete(db: Executor, tenantId: string, ids: string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const result = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', 'in', ids.slice(i, i + 500)).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    await userStore.adjustCount(db, tenantId, -deleted);
    return deleted;
  },

  async passwordHistory(db: Executor, userId: string, depth: number): Promise<StoredPassword[]> {
    if (depth <= 0) return [];
    const rows = await db.selectFrom('password_history').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(depth).execute();
    return rows.map((r) => ({ scheme: r.scheme as PasswordScheme, factor: r.factor, salt: r.salt, hash: r.hash }));
  },

  async remember(db: Executor, userId: string, password: StoredPassword, at: number, keep: number): Promise<void> {
    await db.insertInto('password_history').values({ user_id: userId, scheme: password.scheme, factor: password.factor, salt: password.salt, hash: password.hash, created_at: at }).execute();
    const stale = await db.selectFrom('password_history').select('created_at').where('user_id', '=', userId).orderBy('created_at', 'desc').offset(Math.max(keep, 1)).limit(1).executeTakeFirst();
    if (stale) await db.deleteFrom('password_history').where('user_id', '=', userId).where('created_at', '<=', stale.created_at).execute();
  },
};
