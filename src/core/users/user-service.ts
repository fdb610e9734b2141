/**
 * User use cases, scoped by tenant. A new password is checked against the tenant's policy and
 * hashed with the tenant's scheme; an imported hash is kept as it is (its scheme must be one
 * we verify), so users migrate without a reset.
 */
import crypto from 'node:crypto';
import { type StoredPassword, PASSWORD_SCHEMES, hashPassword, isKnownScheme } from '../../crypto/passwords/index.js';
import type { Storage, UserRepository } from '../../storage/contract.js';
import { Conflict, type FieldProblem, NotFound, ValidationFailed, problem } from '../errors.js';
import type { Signals } from '../events/signals.js';
import type { PlanPolicy } from '../plans/plan-policy.js';
import { checkPasswordRules, historyDepth, reusesPrevious } from '../passwords/policy.js';
import type { Tenant } from '../tenants/settings.js';
import type { User, UserPage, UserQuery } from './user.js';

export interface ImportedPassword {
  scheme: string;
  factor?: number;
  salt?: string | null;
  hash: string;
}

export interface UserInput {
  id?: string;
  username?: string | null;
  email?: string | null;
  disabled?: boolean;
  verified?: boolean;
  locale?: string | null;
  roles?: string[];
  externalId?: string | null;
  data?: Record<string, unknown>;
  /** A new plain-text password: checked against the policy, then hashed. */
  password?: string;
  /** Or a hash from another system. */
  importedPassword?: ImportedPassword;
  passwordChangeRequired?: boolean;
  createdAt?: number;
}

export interface BatchResult {
  created: number;
  failedUsernames: string[];
  duplicateUsernames: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A unique clash the checks before the write did not see (a race) as the caller's field error. */
function asDuplicate(error: unknown): unknown {
  if (!(error instanceof Conflict)) return error;
  const field = error.field ?? 'username';
  return new ValidationFailed([problem(field, 'duplicate', field === 'user_id' ? 'This user id is already taken.' : `This ${field} is already used in the tenant.`)]);
}

export class UserService {
  /**
   * `signals` hears of new users and changed addresses (the email flows act on them); `plans`
   * holds a tenant to its plan's `max_users`.
   */
  constructor(private readonly deps: { storage: Storage; now: () => number; signals: Signals; plans: PlanPolicy }) {}

  private users(tenant: Tenant, storage: Storage = this.deps.storage): UserRepository {
    return storage.forTenant(tenant.id).users;
  }

  async get(tenant: Tenant, id: string): Promise<User> {
    const user = await this.users(tenant).find(id);
    if (!user) throw new NotFound('user');
    return user;
  }

  async getByUsername(tenant: Tenant, username: string): Promise<User> {
    const user = await this.users(tenant).findByUsername(username);
    if (!user) throw new NotFound('user');
    return user;
  }

  /** Finds a user by email or username, as a login id. */
  async findByLoginId(tenant: Tenant, loginId: string): Promise<User | undefined> {
    return this.users(tenant).findByLoginId(loginId);
  }

  async list(tenant: Tenant, query: UserQuery): Promise<UserPage> {
    const { users, totalCount } = await this.users(tenant).list(query);
    return { users, totalCount, hasNext: query.offset + users.length < totalCount };
  }

  async create(tenant: Tenant, input: UserInput): Promise<User> {
    await this.deps.plans.checkUserRoom(tenant, this.deps.storage, 1);
    const user = await this.build(tenant, input);
    await this.assertFree(tenant, user, true);
    try {
      await this.deps.storage.transaction(async (tx) => {
        const users = this.users(tenant, tx);
        await users.insert([user]);
        await this.deps.plans.checkUserCount(tenant, tx);
        if (user.password) await users.rememberPassword(user.id, user.password, user.createdAt, historyDepth(tenant.settings.passwordPolicy));
      });
    } catch (error) {
      if (error instanceof Conflict) await this.assertFree(tenant, user, true);
      throw asDuplicate(error);
    }
    void this.deps.signals.emit('user.created', { tenant, user });
    return user;
  }

  /** PUT: replaces the user's profile; the password changes only when one is given. */
  async replace(tenant: Tenant, id: string, input: UserInput): Promise<User> {
    const current = await this.get(tenant, id);
    if (input.password !== undefined) await this.assertNotReused(tenant, current, input.password);
    let next = await this.build(tenant, { ...input, id, createdAt: input.createdAt ?? current.createdAt }, current);
    const emailChanged = (next.email ?? '').toLowerCase() !== (current.email ?? '').toLowerCase();
    // verifyEmailWhenChanged: a new address is unverified until its owner proves it.
    if (emailChanged && next.email && tenant.settings.email.verifyEmailWhenChanged && input.verified === undefined) next = { ...next, verified: false };
    await this.assertFree(tenant, next);
    try {
      await this.deps.storage.transaction(async (tx) => {
        const users = this.users(tenant, tx);
        await users.update(next);
        if (next.password && next.password !== current.password) {
          await users.rememberPassword(next.id, next.password, next.updatedAt, historyDepth(tenant.settings.passwordPolicy));
        }
      });
    } catch (error) {
      if (error instanceof Conflict) await this.assertFree(tenant, next);
      throw asDuplicate(error);
    }
    if (emailChanged && next.email && !next.verified && tenant.settings.email.verifyEmailWhenChanged) void this.deps.signals.emit('user.emailChanged', { tenant, user: next });
    if (next.password && next.password !== current.password) await this.deps.signals.emit('user.passwordChanged', { tenant, user: next });
    if (next.disabled && !current.disabled) await this.deps.signals.emit('user.disabled', { tenant, user: next });
    return next;
  }

  /**
   * A password change by its owner (reset link, change-password id): the tenant's rules and
   * history apply; afterwards no change is required any more.
   */
  /** `checked`: the caller ran checkNewPassword for this password already (history checks are hash verifications: not twice). */
  async setPassword(tenant: Tenant, id: string, password: string, options: { checked?: boolean } = {}): Promise<User> {
    const current = await this.get(tenant, id);
    if (!options.checked) await this.checkNewPassword(tenant, current, password);
    const now = this.deps.now();
    const { scheme, factor } = tenant.settings.passwordHashing;
    const next: User = { ...current, password: await hashPassword(password, scheme, factor), passwordChangedAt: now, passwordChangeRequired: false, updatedAt: now };
    await this.deps.storage.transaction(async (tx) => {
      const users = this.users(tenant, tx);
      await users.update(next);
      await users.rememberPassword(next.id, next.password!, now, historyDepth(tenant.settings.passwordPolicy));
    });
    await this.deps.signals.emit('user.passwordChanged', { tenant, user: next });
    return next;
  }

  /** The tenant's rules and the user's history, without changing anything. */
  async checkNewPassword(tenant: Tenant, user: User, password: string): Promise<void> {
    const violations = checkPasswordRules(password, tenant.settings.passwordPolicy);
    if (violations.length) throw new ValidationFailed(violations.map((v) => ({ ...problem('password', 'invalid', v.message), rule: v.rule })));
    await this.assertNotReused(tenant, user, password);
  }

  /** Marks the email address verified (the owner proved it). */
  async markVerified(tenant: Tenant, id: string): Promise<User> {
    const current = await this.get(tenant, id);
    const next = { ...current, verified: true, updatedAt: this.deps.now() };
    await this.users(tenant).update(next);
    return next;
  }

  async delete(tenant: Tenant, id: string): Promise<void> {
    const deleted = await this.deps.storage.transaction((tx) => this.users(tenant, tx).delete([id]));
    if (deleted === 0) throw new NotFound('user');
    await this.deps.signals.emit('user.deleted', { tenant, userIds: [id] });
  }

  async deleteMany(tenant: Tenant, ids: string[]): Promise<number> {
    const unique = [...new Set(ids)];
    const deleted = await this.deps.storage.transaction((tx) => this.users(tenant, tx).delete(unique));
    if (deleted > 0) await this.deps.signals.emit('user.deleted', { tenant, userIds: unique });
    return deleted;
  }

  /**
   * Creates many users in one transaction: the valid ones all, or — on a database error — none.
   * Usernames already taken (in the tenant or earlier in the batch) are reported as duplicates;
   * users that fail validation are reported as failed. A batch whose new users would take the
   * tenant past its plan's `max_users` is refused whole (PlanLimitExceeded).
   */
  async createMany(tenant: Tenant, inputs: UserInput[]): Promise<BatchResult> {
    const failed: string[] = [];
    const duplicates: string[] = [];
    const built: User[] = [];
    for (const input of inputs) {
      try {
        built.push(await this.build(tenant, input));
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        failed.push(input.username ?? input.email ?? input.id ?? '');
      }
    }
    const taken = await this.users(tenant).taken(built.flatMap((u) => (u.username ? [u.username.toLowerCase()] : [])), built.flatMap((u) => (u.email ? [u.email.toLowerCase()] : [])));
    const seenNames = new Set<string>();
    const seenEmails = new Set<string>();
    const seenIds = new Set<string>();
    const fresh: User[] = [];
    for (const user of built) {
      const name = user.username?.toLowerCase();
      const email = user.email?.toLowerCase();
      if ((name && (taken.usernames.has(name) || seenNames.has(name))) || (email && (taken.emails.has(email) || seenEmails.has(email))) || seenIds.has(user.id)) {
        duplicates.push(user.username ?? user.email ?? user.id);
        continue;
      }
      if (name) seenNames.add(name);
      if (email) seenEmails.add(email);
      seenIds.add(user.id);
      fresh.push(user);
    }
    const existingIds = await this.deps.storage.userIdsTaken(fresh.map((u) => u.id));
    const toInsert = fresh.filter((u) => {
      if (!existingIds.has(u.id)) return true;
      duplicates.push(u.username ?? u.email ?? u.id);
      return false;
    });
    await this.deps.plans.checkUserRoom(tenant, this.deps.storage, toInsert.length);
    await this.deps.storage.transaction(async (tx) => {
      await this.users(tenant, tx).insert(toInsert);
      await this.deps.plans.checkUserCount(tenant, tx);
    });
    return { created: toInsert.length, failedUsernames: failed, duplicateUsernames: duplicates };
  }

  /** Validates the input and builds the user (hashing a new password). Does not touch storage. */
  private async build(tenant: Tenant, input: UserInput, current?: User): Promise<User> {
    const problems: FieldProblem[] = [];
    const username = input.username?.trim() || null;
    const email = input.email?.trim() || null;
    if (!username && !email) problems.push(problem('username', 'blank', 'A user needs a username or an email.'));
    if (email && !EMAIL.test(email)) problems.push(problem('email', 'invalid', 'The email address is not valid.'));
    let password: StoredPassword | null = current?.password ?? null;
    let passwordChangedAt = current?.passwordChangedAt ?? null;
    const now = this.deps.now();
    if (input.password !== undefined && input.importedPassword !== undefined) {
      problems.push(problem('password', 'invalid', 'Give a password or an imported hash, not both.'));
    } else if (input.password !== undefined) {
      const violations = checkPasswordRules(input.password, tenant.settings.passwordPolicy);
      for (const v of violations) problems.push({ ...problem('password', 'invalid', v.message), rule: v.rule });
    } else if (input.importedPassword) {
      const imported = input.importedPassword;
      if (!isKnownScheme(imported.scheme)) problems.push(problem('encryption_scheme', 'invalid', `Unknown password scheme "${imported.scheme}".`));
      else if (!imported.hash) problems.push(problem('hash', 'blank', 'The imported hash is required.'));
      else {
        password = { scheme: imported.scheme, factor: imported.factor ?? PASSWORD_SCHEMES[imported.scheme].defaultFactor, salt: imported.salt ?? null, hash: imported.hash };
        passwordChangedAt = now;
      }
    }
    if (problems.length) throw new ValidationFailed(problems);
    if (input.password !== undefined) {
      const { scheme, factor } = tenant.settings.passwordHashing;
      password = await hashPassword(input.password, scheme, factor);
      passwordChangedAt = now;
    }
    return {
      id: input.id ?? current?.id ?? crypto.randomUUID(),
      tenantId: tenant.id,
      username,
      email,
      disabled: input.disabled ?? false,
      verified: input.verified ?? false,
      locale: input.locale ?? null,
      roles: input.roles ?? [],
      externalId: input.externalId ?? null,
      data: input.data ?? current?.data ?? {},
      password,
      passwordChangedAt,
      passwordChangeRequired: input.passwordChangeRequired ?? current?.passwordChangeRequired ?? false,
      createdAt: input.createdAt ?? current?.createdAt ?? now,
      updatedAt: now,
    };
  }

  /** FusionAuth rememberPreviousPasswords / PlusAuth history: a new password may not repeat them. */
  private async assertNotReused(tenant: Tenant, user: User, password: string): Promise<void> {
    const depth = historyDepth(tenant.settings.passwordPolicy);
    if (depth === 0) return;
    const previous = await this.users(tenant).passwordHistory(user.id, depth);
    if (await reusesPrevious(password, previous)) {
      throw new ValidationFailed([{ ...problem('password', 'invalid', `The password must differ from the last ${depth} password(s).`), rule: 'previous' }]);
    }
  }

  /** Username, email and id must be free (ids are global, names per tenant). */
  private async assertFree(tenant: Tenant, user: User, creating = false): Promise<void> {
    const users = this.users(tenant);
    const problems: FieldProblem[] = [];
    if (user.username) {
      const other = await users.findByUsername(user.username);
      if (other && other.id !== user.id) problems.push(problem('username', 'duplicate', 'This username is already taken in the tenant.'));
    }
    if (user.email) {
      const other = await users.findByEmail(user.email);
      if (other && other.id !== user.id) problems.push(problem('email', 'duplicate', 'This email is already used in the tenant.'));
    }
    const sameIdHere = creating ? undefined : await users.find(user.id);
    if (!sameIdHere && (await this.deps.storage.userIdsTaken([user.id])).size) problems.push(problem('user_id', 'duplicate', 'This user id is already taken.'));
    if (problems.length) throw new ValidationFailed(problems);
  }
}
