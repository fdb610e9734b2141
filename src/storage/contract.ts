/**
 * The storage contract: what the core may ask of a database, and nothing else. The core sees
 * only these interfaces and the domain errors (`Conflict`, `NotFound`); SQL, Kysely and column
 * names stay behind them (./kysely/ implements them for SQLite and PostgreSQL alike).
 *
 * Tenant scope is structural: records that belong to a tenant (users, login failures, one-time
 * ids) are reached only through `forTenant(id)`, whose repositories put the tenant into every
 * statement — a query without the tenant cannot be written against them. The few global
 * look-ups are by a value that is itself a secret or a global id (an API key's hash, a
 * one-time id's hash, a user id that must be unique across tenants).
 *
 * Every method runs on the database, or inside the transaction `transaction()` handed out.
 * Unique clashes surface as `Conflict`; nothing else of the driver leaks.
 */
import type { ClientAccess } from '../clientinfo/access.js';
import type { StoredPassword } from '../crypto/passwords/types.js';
import type { Tenant, User, UserQuery } from '../core/domain.js';

export type DatabaseKind = 'sqlite' | 'postgres';

// ---- records ---------------------------------------------------------------------------------

/**
 * Where a key stands in its tenant's keystore (seed 000): published before it signs (`next`),
 * signing (`current`), verifying only (`previous`), or withdrawn (`revoked`).
 */
export type KeystoreState = 'next' | 'current' | 'previous' | 'revoked';

/** A signing key as stored; `secretEncrypted` is sealed by the master key (never plain). */
export interface KeyRecord {
  id: string;
  /** The tenant the key was generated for; null for a global key. */
  tenantId: string | null;
  name: string;
  algorithm: string;
  /** RSA | EC | OKP | HMAC */
  type: string;
  kid: string;
  length: number | null;
  issuer: string | null;
  publicKey: string | null;
  certificate: string | null;
  publicJwk: Record<string, unknown> | null;
  secretEncrypted: string | null;
  insertInstant: number;
  expirationInstant: number | null;
  /** When it stopped being its keystore's current key. */
  rotatedInstant: number | null;
  revokedInstant: number | null;
  /** Null for a key outside any keystore (a global key of the Key API). */
  keystoreState: KeystoreState | null;
}

/** A keystore move: the new state and the instants it sets (others are left as they are). */
export interface KeystoreMove {
  to: KeystoreState;
  rotatedInstant?: number;
  revokedInstant?: number;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string | null;
  /** SHA-256 (hex) of the key's value. */
  keyHash: string;
  permissions: { endpoints: Record<string, string[]> };
  metaData: { attributes: Record<string, string> };
  keyManager: boolean;
  /** The account the key acts for: tenants it creates are that account's. */
  ownerId: string;
  insertInstant: number;
  lastUpdateInstant: number;
}

export interface EmailTemplateRecord {
  id: string;
  name: string;
  defaultSubject: string;
  defaultTextTemplate: string;
  defaultHtmlTemplate: string;
  fromEmail: string | null;
  defaultFromName: string | null;
  insertInstant: number;
  lastUpdateInstant: number;
}

export interface PendingOneTimeId {
  tenantId: string;
  userId: string;
  purpose: string;
  expiresAt: number;
}

/**
 * An OAuth 2.0 / OpenID Connect client of one tenant (the Vault client fields, seed 004, in
 * core names). `clientId` is unique within its tenant; the secret is stored as its SHA-256.
 */
export interface ClientRecord {
  tenantId: string;
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedScopes: string[];
  tokenEndpointAuthMethod: 'client_secret_post' | 'client_secret_basic' | 'none';
  clientType: 'public' | 'confidential';
  /** SHA-256 (hex) of the client secret; null for a public client. */
  secretHash: string | null;
  /** Vault `is_lock`: a locked client can obtain no tokens. */
  locked: boolean;
  /** Vault `sing_alg`: the ID-token signing algorithm. */
  signingAlg: 'RS256' | 'EdDSA';
  flow: { type: string; issuer: string | null } | null;
  logoUri: string | null;
  clientUri: string | null;
  clientLogoutUri: string | null;
  policyUri: string | null;
  tosUri: string | null;
  userAgreementUri: string | null;
  registerEnabled: boolean;
  tenantName: string | null;
  /** Tessera extension: a third-party client, for which the user is asked to consent. */
  consentRequired: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * A user's sign-in session (the Vault's sessions): made by a login through a tenant's OpenID
 * Provider and tied to the provider's own session by its uid, so that ending one ends the other.
 */
export interface SessionRecord {
  id: string;
  tenantId: string;
  userId: string;
  /** The uid of the OpenID Provider's session (never shown: the provider's own reference). */
  engineUid: string;
  /** The sign-in. */
  created: ClientAccess;
  /** The last time tokens were issued for the session (code exchange, refresh); null before. */
  tokenIssue: ClientAccess | null;
  /** The last use: the sign-in, a new authorization in the session, userinfo, a refresh. */
  lastAccess: ClientAccess | null;
  /** Epoch ms: the provider's session ends then unless it is used again. */
  expiresAt: number;
}

/** What a use of a session changes; fields left out stay as they are. */
export interface SessionTouch {
  tokenIssue?: ClientAccess;
  lastAccess?: ClientAccess;
  expiresAt?: number;
  /** Grants the provider made in the session (they end with it); recorded once each. */
  grantIds?: string[];
}

/** A session that was ended: what of the provider's must end with it. */
export interface EndedSession {
  id: string;
  userId: string;
  engineUid: string;
  grantIds: string[];
}

/** One entry of the change feed other instances read (core/events). */
export interface ChangeRecord {
  seq: number;
  /** The instance that wrote it (it has delivered the change itself). */
  origin: string;
  type: string;
  payload: Record<string, unknown>;
  at: number;
}

// ---- login failures --------------------------------------------------------------------------

/** Login failures of a user or a client IP; `mail`: mail-sending page actions of a client IP (src/core/account/mail-throttle.ts). */
export type FailureKind = 'user' | 'ip' | 'mail';

export interface AttemptWindow {
  maxAttempts: number;
  windowSeconds: number;
}

export type Reservation = { allowed: true; count: number } | { allowed: false; blockedUntil: number | null };

export interface BlockedEntry {
  subject: string;
  blockedAt: number;
  blockedUntil: number;
}

export interface Page {
  offset: number;
  limit: number;
  direction: 'asc' | 'desc';
}

// ---- repositories ----------------------------------------------------------------------------

export interface TenantRepository {
  find(id: string): Promise<Tenant | undefined>;
  /** As find(); inside a transaction on PostgreSQL the row stays locked until it ends. */
  findForUpdate(id: string): Promise<Tenant | undefined>;
  findBySlug(slug: string): Promise<Tenant | undefined>;
  /** Is this name used by a tenant other than `exceptId`? */
  nameTaken(name: string, exceptId?: string): Promise<boolean>;
  /** Ordered by creation; `onlyIds` narrows the list. */
  list(onlyIds?: string[]): Promise<Tenant[]>;
  /** The tenants this account created (Tenant.createdBy), ordered by creation. */
  listCreatedBy(accountId: string): Promise<Tenant[]>;
  /** Up to `limit` ids, without reading settings. */
  someIds(limit: number): Promise<string[]>;
  idsInState(state: Tenant['state']): Promise<string[]>;
  /** Conflict on id, slug or name. */
  insert(tenant: Tenant): Promise<void>;
  /** Conflict on name. */
  update(tenant: Tenant): Promise<void>;
  setState(id: string, state: Tenant['state'], at: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Ids of tenants (but `exceptTenantId`) that sign with this key. */
  usingKey(keyId: string, exceptTenantId?: string): Promise<string[]>;
}

export interface KeyRepository {
  find(id: string): Promise<KeyRecord | undefined>;
  findMany(ids: string[]): Promise<KeyRecord[]>;
  /** Global keys and one tenant's; every key when `tenantId` is undefined. */
  list(tenantId?: string): Promise<KeyRecord[]>;
  nameTaken(name: string): Promise<boolean>;
  /** Conflict on id or name. */
  insert(key: KeyRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Makes these keys global (another tenant still signs with them), outside any keystore. */
  release(ids: string[]): Promise<void>;
  idsOwnedBy(tenantId: string): Promise<string[]>;
  deleteOwnedBy(tenantId: string): Promise<number>;
  /** The tenant's keystore: its keys with a state, oldest first. */
  keystoreOf(tenantId: string): Promise<KeyRecord[]>;
  /**
   * Moves a key of this tenant's keystore from state `from` to `move.to`, in one conditional
   * statement: of callers racing the same move exactly one gets true; the others (and a key
   * no longer in `from`) get false and change nothing. On PostgreSQL a racer waits for the
   * winner's transaction and then sees the moved row. At most one key per tenant and
   * algorithm is `current`, and one `next` (unique indexes: a clash is a Conflict).
   */
  moveState(tenantId: string, id: string, from: KeystoreState, move: KeystoreMove): Promise<boolean>;
}

export interface ApiKeyRepository {
  find(id: string): Promise<ApiKeyRecord | undefined>;
  /** The index compares the hash: no secret is compared in JavaScript. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** Conflict on id or hash. */
  insert(key: ApiKeyRecord): Promise<void>;
  update(key: ApiKeyRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  deleteLockedTo(tenantId: string): Promise<number>;
}

export interface EmailTemplateRepository {
  find(id: string): Promise<EmailTemplateRecord | undefined>;
  list(): Promise<EmailTemplateRecord[]>;
  /** Conflict on id or name. */
  insert(template: EmailTemplateRecord): Promise<void>;
  /** Conflict on name. */
  update(template: EmailTemplateRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
}

/** Named markers the server keeps about itself (e.g. "bootstrapped"). */
export interface SystemStateRepository {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

export interface ChangeFeedRepository {
  append(change: Omit<ChangeRecord, 'seq'>): Promise<void>;
  /** Changes with seq > `afterSeq`, oldest first. */
  since(afterSeq: number, limit: number): Promise<ChangeRecord[]>;
  latestSeq(): Promise<number>;
  /** Forgets changes older than `at`; returns how many. */
  purgeBefore(at: number): Promise<number>;
}

/** One-time ids looked up by the hash of their value, which only their holder knows. */
export interface OneTimeIdLookup {
  /** A live (unconsumed, unexpired) id of this purpose, left unspent. */
  peek(idHash: string, purpose: string, now: number): Promise<PendingOneTimeId | undefined>;
  /** Spends the id: exactly one caller gets true, however many race. */
  consume(idHash: string, purpose: string, now: number): Promise<boolean>;
}

/** A tenant's users. Ids are unique across tenants (see Storage.userIdsTaken). */
export interface UserRepository {
  find(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  /** By email or username in one query; when both match different users, the email wins if the id looks like one. */
  findByLoginId(loginId: string): Promise<User | undefined>;
  /** A page and the total that matches. */
  list(query: UserQuery): Promise<{ users: User[]; totalCount: number }>;
  count(): Promise<number>;
  /** Which of these lower-cased usernames / emails are taken in the tenant. */
  taken(usernames: string[], emails: string[]): Promise<{ usernames: Set<string>; emails: Set<string> }>;
  /** Conflict on id, username or email. Bulk inserts keep the database's statistics fresh. */
  insert(users: User[]): Promise<void>;
  /** Conflict on username or email. */
  update(user: User): Promise<void>;
  /** Replaces only the stored hash (a re-hash). */
  setPasswordHash(user: User): Promise<void>;
  delete(ids: string[]): Promise<number>;
  passwordHistory(userId: string, depth: number): Promise<StoredPassword[]>;
  /** Records a password, keeping the newest `keep` (at least one). */
  rememberPassword(userId: string, password: StoredPassword, at: number, keep: number): Promise<void>;
}

/**
 * Failure counters and blocks per subject (a user id or a client IP). The counter moves only
 * through single conditional statements: a reservation succeeds only while the subject is not
 * blocked and has attempts left, so N parallel guesses against a limit of L check at most L.
 */
export interface LoginFailureRepository {
  /** Counts this attempt before its password is checked; refused while blocked or out of attempts. */
  reserve(kind: FailureKind, subject: string, window: AttemptWindow, now: number): Promise<Reservation>;
  /**
   * The reserved attempt (number `count`) failed. When it was the last allowed, the subject is
   * blocked for `blockMs(blocksSoFar)`; returns the block's end, or null when none began.
   */
  failed(kind: FailureKind, subject: string, count: number, window: AttemptWindow, now: number, blockMs: (blocksSoFar: number) => number): Promise<number | null>;
  /** A success: give the attempt back (or clear the count) and end the doubling of blocks. */
  succeeded(kind: FailureKind, subject: string, resetCount: boolean): Promise<void>;
  /** The attempt was never checked (an error came first): give it back, nothing else. */
  released(kind: FailureKind, subject: string): Promise<void>;
  listBlocked(kind: FailureKind, now: number, page: Page): Promise<{ entries: BlockedEntry[]; total: number }>;
  /** Lifts a block and clears the count; false when the subject was not blocked. */
  unblock(kind: FailureKind, subject: string, now: number): Promise<boolean>;
}

/** What the OpenID Provider stores about one artefact (code, token, grant, session, interaction, …). */
export interface OidcArtefact {
  /** The engine's opaque JSON. */
  payload: Record<string, unknown>;
  /** Epoch seconds at which the engine marked it consumed (a used code, a rotated refresh token). */
  consumedAt: number | null;
}

/**
 * The OpenID Provider's models of one tenant (oidc-provider's adapter contract): opaque
 * payloads by model and id, found also by grant, uid or user code; expired rows are never
 * returned and are purged in the background.
 */
export interface OidcModelRepository {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null, refs: { grantId?: string; accountId?: string; uid?: string; userCode?: string }): Promise<void>;
  find(model: string, id: string, now: number): Promise<OidcArtefact | undefined>;
  findByUid(model: string, uid: string, now: number): Promise<OidcArtefact | undefined>;
  findByUserCode(model: string, userCode: string, now: number): Promise<OidcArtefact | undefined>;
  /** Marks it consumed; exactly one caller gets true, however many race. */
  consume(model: string, id: string, at: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** Removes everything of every model issued under this grant. */
  revokeByGrantId(grantId: string): Promise<number>;
  /** Removes the artefacts of these models issued to this account (its refresh tokens, say). */
  revokeByAccount(accountId: string, models: readonly string[]): Promise<number>;
  /**
   * Ends one of the provider's sessions: removes the engine's Session with this uid, the Grants
   * with these ids and everything issued under them (codes, access and refresh tokens).
   */
  endSession(sessionUid: string, grantIds: readonly string[]): Promise<number>;
}

/** A tenant's users' sessions. Expired ones are never returned and are purged in the background. */
export interface SessionRepository {
  /**
   * Records a new session with the grants made in it so far; false (and nothing written) when
   * this provider session has one already (a re-authentication in the same browser session).
   */
  open(session: SessionRecord, grantIds: string[]): Promise<boolean>;
  /** The live session of this provider session. */
  findByEngineUid(engineUid: string, now: number): Promise<SessionRecord | undefined>;
  /** The user's live sessions, newest first. */
  listByUser(userId: string, now: number): Promise<SessionRecord[]>;
  /** Records a use of the session of this provider session; false when there is none. */
  touch(engineUid: string, change: SessionTouch): Promise<boolean>;
  /**
   * Deletes sessions of these users — the ones with these ids, or all of them when `ids` is
   * undefined — and returns what they referenced of the provider (expired ones included).
   */
  end(userIds: string[], ids?: string[]): Promise<EndedSession[]>;
  /** Deletes the session of this provider session (the provider ended it: a logout). */
  forget(engineUid: string): Promise<boolean>;
}

/** A tenant's OAuth clients. */
export interface ClientRepository {
  find(clientId: string): Promise<ClientRecord | undefined>;
  /** Ordered by creation, then client id. */
  list(offset: number, limit: number): Promise<ClientRecord[]>;
  count(): Promise<number>;
  /** Conflict on clientId (field `client_id`). */
  insert(client: ClientRecord): Promise<void>;
  /** Replaces every field but the ids and the creation instant; false when there is no such client. */
  update(client: ClientRecord): Promise<boolean>;
  delete(clientId: string): Promise<boolean>;
}

export interface OneTimeIdRepository {
  insert(idHash: string, userId: string, purpose: string, expiresAt: number, now: number): Promise<void>;
  /** Ends the user's live ids of this purpose (a new one was issued, or the purpose is done). */
  revokeAll(userId: string, purpose: string, now: number): Promise<void>;
}

/** Everything of one tenant; every statement it runs names the tenant. */
export interface TenantStorage {
  readonly tenantId: string;
  readonly users: UserRepository;
  readonly loginFailures: LoginFailureRepository;
  readonly oneTimeIds: OneTimeIdRepository;
  readonly clients: ClientRepository;
  readonly oidc: OidcModelRepository;
  readonly sessions: SessionRepository;
}

export interface Storage {
  readonly kind: DatabaseKind;
  readonly tenants: TenantRepository;
  readonly keys: KeyRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly emailTemplates: EmailTemplateRepository;
  readonly system: SystemStateRepository;
  readonly changes: ChangeFeedRepository;
  readonly oneTimeIds: OneTimeIdLookup;
  forTenant(tenantId: string): TenantStorage;
  /** Deletes OpenID Provider artefacts of every tenant that expired before `now`; returns how many. */
  purgeExpiredOidc(now: number): Promise<number>;
  /** Deletes every tenant's sessions that expired before `now` (epoch ms); returns how many. */
  purgeExpiredSessions(now: number): Promise<number>;
  /**
   * The tenants holding an OpenID artefact of this model with this id. Only for models whose id
   * is itself a secret the holder presents (an opaque access token's value is its id).
   */
  tenantsHoldingOidc(model: string, id: string): Promise<string[]>;
  /** Which of these user ids are taken in any tenant (ids are global so FusionAuth can address users by id alone). */
  userIdsTaken(ids: string[]): Promise<Set<string>>;
  /**
   * Runs `work` in one transaction: all its writes commit together or none do. Inside, the
   * storage handed to `work` is the transaction's (a nested call joins it).
   */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;
  /** Resolves when background maintenance (planner statistics) has finished. */
  settle(): Promise<void>;
  close(): Promise<void>;
}
