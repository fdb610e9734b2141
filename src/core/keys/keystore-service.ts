/**
 * Each tenant's keystore (seed 000 `keystore[]`): per algorithm the tenant signs with, one key
 * family whose keys move next → current → previous → revoked.
 *
 * - `next` is published in the JWKS before it signs, so relying parties that cache the JWKS
 *   already know it when a rotation makes it `current`.
 * - `previous` keys stay published for the tenant's grace period (`keyGraceMs`: the longest
 *   lifetime of a token they signed, plus clock skew), so tokens signed before a rotation
 *   verify until they expire; after it they are listed but no longer published.
 * - `revoked` keys leave the JWKS at once: tokens they signed stop verifying.
 * - Revoking a `current` key promotes its family's `next` key (which every relying party has
 *   seen) and pre-publishes a new one: a tenant is never left without a signing key.
 *
 * The tenant's settings name the current keys it signs with (FusionAuth `accessTokenKeyId` /
 * `idTokenKeyId`): a rotation or revocation re-points every tenant that signed with a key that
 * stopped being current to the family's new current key, in the same transaction.
 *
 * JWKS are served from memory; the change events (`key.*`, `tenant.*`) forget a tenant's
 * entry on this instance at once and on others within a poll of the change feed.
 */
import crypto from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyRecord, KeystoreState, Storage } from '../../storage/contract.js';
import { Conflict, NotFound, ValidationFailed } from '../errors.js';
import type { ChangeBus, Emit } from '../events/change-bus.js';
import { isKeyChange, isTenantChange } from '../events/change-events.js';
import type { Tenant } from '../tenants/settings.js';
import { READ_CACHE_TTL_MS, sweepExpired } from '../read-cache.js';
import type { KeyAlgorithm } from './algorithms.js';
import { tenantKeyName } from './key-names.js';
import type { KeyService } from './key-service.js';

/**
 * The algorithms a new tenant gets a family for: ES256 (access tokens, signed on every login;
 * a fraction of RSA's cost) and RS256 (id tokens: the algorithm every relying party accepts).
 */
export const DEFAULT_KEYSTORE_ALGORITHMS: readonly KeyAlgorithm[] = ['ES256', 'RS256'];

/** Clock skew between us and the relying parties, added to the grace period. */
export const KEY_GRACE_SKEW_MS = 60_000;

/**
 * How long a rotated-out key stays in the JWKS: the longest lifetime of a JWT the tenant signs
 * (access, id and client-credentials tokens; refresh tokens are opaque), plus clock skew.
 */
export function keyGraceMs(tenant: Tenant): number {
  const t = tenant.settings.tokens;
  return Math.max(t.accessTokenTtlSeconds, t.idTokenTtlSeconds, t.clientCredentialsTtlSeconds) * 1000 + KEY_GRACE_SKEW_MS;
}

export interface KeystoreEntry {
  keyId: string;
  algorithm: KeyAlgorithm;
  state: KeystoreState;
  /** The public JWK (never private members). */
  key: JWK;
  createdAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
  /** In the public JWKS now. */
  published: boolean;
}

export interface Keystore {
  /** Every key of the keystore, oldest first. */
  entries: KeystoreEntry[];
  /** The public JWKS: current keys first, then next, then previous within their grace. */
  jwks: { keys: JWK[] };
}

/** State order within a JWKS: signers first (oidc-provider signs with the first key of an alg). */
const ORDER: Record<KeystoreState, number> = { current: 0, next: 1, previous: 2, revoked: 3 };

interface Snapshot {
  keystore: Keystore;
  records: KeyRecord[];
  expires: number;
}

/** Tenants whose keystore is kept in memory; the least recently loaded is dropped first. */
const MAX_CACHED_TENANTS = 10_000;

/** A concurrent rotation or revocation moved a key first. */
class LostRace extends Error {}

export class KeystoreService {
  private readonly algorithms: readonly KeyAlgorithm[];
  private readonly cache = new Map<string, Snapshot>();
  /** Bumped by every invalidation; a load stores its result only if it did not change meanwhile. */
  private generation = 0;

  constructor(
    private readonly deps: {
      storage: Storage;
      changes: ChangeBus;
      keys: KeyService;
      now: () => number;
      /** The families a new tenant gets (default DEFAULT_KEYSTORE_ALGORITHMS). */
      algorithms?: readonly KeyAlgorithm[];
      /** How long a JWKS stays cached without a change event (backstop; default READ_CACHE_TTL_MS). */
      cacheTtlMs?: number;
    },
  ) {
    this.algorithms = deps.algorithms ?? DEFAULT_KEYSTORE_ALGORITHMS;
    deps.changes.subscribe((event) => {
      if (isKeyChange(event) && event.tenantId === null) this.forgetAll();
      else if (isKeyChange(event) || isTenantChange(event)) this.forget(event.tenantId!);
    });
  }

  get defaultAlgorithms(): readonly KeyAlgorithm[] {
    return this.algorithms;
  }

  /**
   * A new family's keys, generated (slow, off the event loop) but not stored: a `current` and a
   * pre-published `next` key. The caller stores them (KeyService.store) in its transaction.
   */
  async prepareFamily(tenantId: string, tenantName: string, algorithm: KeyAlgorithm): Promise<{ current: KeyRecord; next: KeyRecord }> {
    const [current, next] = await Promise.all([this.prepareKey(tenantId, tenantName, algorithm, 'current'), this.prepareKey(tenantId, tenantName, algorithm, 'next')]);
    return { current, next };
  }

  private prepareKey(tenantId: string, tenantName: string, algorithm: KeyAlgorithm, state: KeystoreState): Promise<KeyRecord> {
    const id = crypto.randomUUID();
    return this.deps.keys.prepare({ id, name: tenantKeyName(tenantName, algorithm, id), algorithm, tenantId, keystoreState: state });
  }

  // ---- reads (from memory) -----------------------------------------------------------------

  async keystore(tenant: Tenant): Promise<Keystore> {
    return (await this.snapshot(tenant)).keystore;
  }

  /** The public JWKS relying parties verify with. */
  async publicJwks(tenant: Tenant): Promise<{ keys: JWK[] }> {
    return (await this.snapshot(tenant)).keystore.jwks;
  }

  /**
   * The private JWKs (with kid, alg, use), in the shape oidc-provider's `jwks` option takes:
   * current keys first (they sign), then next and previous ones (published for verification).
   * A signing key the tenant's settings name that lives outside its keystore — a key shared
   * through the Key API, or another tenant's — comes before them all, so it signs for its
   * algorithm (as the settings say) and is published. Never leaves the process.
   */
  async signingJwks(tenant: Tenant): Promise<{ keys: JWK[] }> {
    // Opened for each caller (a provider build) and never kept here: the private halves live
    // only as long as the caller holds them.
    const snapshot = await this.snapshot(tenant);
    const own = new Set(snapshot.records.map((record) => record.id));
    const named = [...new Set([tenant.settings.tokens.accessTokenKeyId, tenant.settings.tokens.idTokenKeyId])].filter((id) => id && !own.has(id));
    const shared = named.length ? (await this.deps.storage.keys.findMany(named)).filter((record) => record.revokedInstant === null && record.publicJwk) : [];
    return { keys: [...shared.map((record) => this.privateJwk(record)).filter((jwk): jwk is JWK => jwk !== undefined), ...this.privateJwks(snapshot)] };
  }

  /** Whether this kid names a revoked key of the tenant's keystore (for introspection). */
  async isRevoked(tenant: Tenant, kid: string): Promise<boolean> {
    return (await this.snapshot(tenant)).keystore.entries.some((e) => e.key.kid === kid && e.state === 'revoked');
  }

  /** The published keys' private halves, in the public JWKS's order (HMAC keys are never published). */
  private privateJwks(snapshot: Snapshot): JWK[] {
    const byKid = new Map(snapshot.records.map((record) => [record.kid, record]));
    return snapshot.keystore.jwks.keys.flatMap(({ kid }) => {
      const record = byKid.get(kid!);
      const jwk = record && this.privateJwk(record);
      return jwk ? [jwk] : [];
    });
  }

  /** A key's private JWK with its published members (kid, alg, x5c, …), `use: sig`; none for a key without a private half. */
  private privateJwk(record: KeyRecord): JWK | undefined {
    const secret = this.deps.keys.openSecret(record);
    if (!secret || !record.publicJwk) return undefined;
    const { key_ops: _ops, ...pub } = record.publicJwk as JWK;
    return { ...(crypto.createPrivateKey(secret).export({ format: 'jwk' }) as JWK), ...pub, kid: record.kid, use: 'sig' };
  }

  private async snapshot(tenant: Tenant): Promise<Snapshot> {
    const now = this.deps.now();
    const hit = this.cache.get(tenant.id);
    if (hit && hit.expires > now) return hit;
    const generation = this.generation;
    const snapshot = this.build(tenant, await this.deps.storage.keys.keystoreOf(tenant.id), now);
    if (generation === this.generation) {
      this.cache.delete(tenant.id);
      sweepExpired(this.cache, now);
      if (this.cache.size >= MAX_CACHED_TENANTS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(tenant.id, snapshot);
    }
    return snapshot;
  }

  private build(tenant: Tenant, records: KeyRecord[], now: number): Snapshot {
    const grace = keyGraceMs(tenant);
    let expires = now + (this.deps.cacheTtlMs ?? READ_CACHE_TTL_MS);
    const entries = records.map((record): KeystoreEntry => {
      const state = record.keystoreState!;
      const graceEnd = state === 'previous' ? (record.rotatedInstant ?? 0) + grace : undefined;
      if (graceEnd !== undefined && graceEnd > now) expires = Math.min(expires, graceEnd);
      return {
        keyId: record.id,
        algorithm: record.algorithm as KeyAlgorithm,
        state,
        key: publicJwkOf(record),
        createdAt: record.insertInstant,
        rotatedAt: record.rotatedInstant,
        revokedAt: record.revokedInstant,
        published: state === 'current' || state === 'next' || (graceEnd !== undefined && graceEnd > now),
      };
    });
    const jwks = entries
      .filter((e) => e.published && e.key.kty !== 'oct')
      .sort((a, b) => ORDER[a.state] - ORDER[b.state] || b.createdAt - a.createdAt)
      .map((e) => e.key);
    return { keystore: { entries, jwks: { keys: jwks } }, records, expires };
  }

  private forget(tenantId: string): void {
    this.generation++;
    this.cache.delete(tenantId);
  }

  private forgetAll(): void {
    this.generation++;
    this.cache.clear();
  }

  /** The keystore as stored now (after a write; the cache may still hold the old one). */
  private async fresh(tenant: Tenant): Promise<Keystore> {
    this.forget(tenant.id);
    return this.keystore(tenant);
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Rotates every family of the tenant: next → current, current → previous (rotated now), and a
   * new next key. A family without a next key (a keystore from before 008) gets a new current
   * key directly. A rotation that loses a race to a concurrent one changes nothing and answers
   * with the keystore the winner left: two racing rotations rotate once.
   */
  async rotate(tenant: Tenant): Promise<Keystore> {
    const seen = await this.deps.storage.keys.keystoreOf(tenant.id);
    const families = familiesOf(seen, this.algorithms);
    // Generate outside the transaction (RSA takes a while): a new next key per family, and a
    // current one where a family has no next key to promote.
    const fresh = await Promise.all(
      families.map(async (algorithm) => ({
        algorithm,
        next: await this.prepareKey(tenant.id, tenant.name, algorithm, 'next'),
        current: find(seen, algorithm, 'next') ? undefined : await this.prepareKey(tenant.id, tenant.name, algorithm, 'current'),
      })),
    );
    try {
      await this.deps.changes.transaction(async (tx, emit) => {
        const now = this.deps.now();
        const stored = await tx.keys.keystoreOf(tenant.id);
        if (signature(stored) !== signature(seen)) throw new LostRace();
        for (const { algorithm, next, current: made } of fresh) {
          const current = find(stored, algorithm, 'current');
          const promoted = find(stored, algorithm, 'next');
          if (current && !(await tx.keys.moveState(tenant.id, current.id, 'current', { to: 'previous', rotatedInstant: now }))) throw new LostRace();
          if (promoted && !(await tx.keys.moveState(tenant.id, promoted.id, 'next', { to: 'current' }))) throw new LostRace();
          const newCurrent = promoted ?? made!;
          await this.deps.keys.store(tx, emit, promoted ? [next] : [made!, next]);
          await emit({ type: 'key.rotated', keyId: newCurrent.id, tenantId: tenant.id });
          if (current) await this.repoint(tx, emit, current.id, newCurrent.id);
        }
      });
    } catch (error) {
      if (!(error instanceof LostRace) && !isUniqueClash(error)) throw error;
    }
    return this.fresh(tenant);
  }

  /**
   * Revokes the key with this kid: it leaves the JWKS at once (idempotent: a revoked key stays
   * as it was). A revoked current key is replaced by its family's next key, and a revoked next
   * key by a new one, so the family still signs and still pre-publishes. 404 for a kid the
   * tenant's keystore does not hold.
   */
  async revoke(tenant: Tenant, kid: string): Promise<Keystore> {
    for (let attempt = 0; ; attempt++) {
      const seen = await this.deps.storage.keys.keystoreOf(tenant.id);
      const target = seen.find((r) => r.kid === kid);
      if (!target) throw new NotFound('key');
      if (target.keystoreState === 'revoked') return this.fresh(tenant);
      const algorithm = target.algorithm as KeyAlgorithm;
      const state = target.keystoreState!;
      const promoted = state === 'current' ? find(seen, algorithm, 'next') : undefined;
      const next = state === 'current' || state === 'next' ? await this.prepareKey(tenant.id, tenant.name, algorithm, 'next') : undefined;
      const made = state === 'current' && !promoted ? await this.prepareKey(tenant.id, tenant.name, algorithm, 'current') : undefined;
      try {
        await this.deps.changes.transaction(async (tx, emit) => {
          const now = this.deps.now();
          const moved = await tx.keys.moveState(tenant.id, target.id, state, { to: 'revoked', revokedInstant: now, ...(state === 'current' ? { rotatedInstant: now } : {}) });
          if (!moved) throw new LostRace();
          if (promoted && !(await tx.keys.moveState(tenant.id, promoted.id, 'next', { to: 'current' }))) throw new LostRace();
          const newCurrent = promoted ?? made;
          await this.deps.keys.store(tx, emit, [made, next].filter((k): k is KeyRecord => k !== undefined));
          if (newCurrent) await emit({ type: 'key.rotated', keyId: newCurrent.id, tenantId: tenant.id });
          await emit({ type: 'key.revoked', keyId: target.id, tenantId: tenant.id });
          // No tenant keeps signing with a revoked key: it gets its family's current key.
          const replacement = newCurrent?.id ?? find(await tx.keys.keystoreOf(tenant.id), algorithm, 'current')?.id;
          if (replacement) await this.repoint(tx, emit, target.id, replacement);
        });
        return this.fresh(tenant);
      } catch (error) {
        // Someone moved the key first: look again (it may be revoked now, or current).
        if ((!(error instanceof LostRace) && !isUniqueClash(error)) || attempt >= 2) throw error;
      }
    }
  }

  /**
   * Gives the tenant a family for another algorithm (a client asking for RS384 or EdDSA, say):
   * a current key and a pre-published next one. Nothing changes when it has one already.
   */
  async addAlgorithm(tenant: Tenant, algorithm: KeyAlgorithm): Promise<Keystore> {
    if (familiesOf(await this.deps.storage.keys.keystoreOf(tenant.id), []).includes(algorithm)) return this.keystore(tenant);
    const { current, next } = await this.prepareFamily(tenant.id, tenant.name, algorithm);
    try {
      await this.deps.changes.transaction((tx, emit) => this.deps.keys.store(tx, emit, [current, next]));
    } catch (error) {
      // Another request (a second client saved at the same moment) added the family first: it
      // is there, which is all this one asked for.
      if (!isUniqueClash(error)) throw error;
    }
    return this.fresh(tenant);
  }

  /** Every tenant that signs with `from` signs with `to` instead. */
  private async repoint(tx: Storage, emit: Emit, from: string, to: string): Promise<void> {
    for (const tenantId of await tx.tenants.usingKey(from)) {
      const tenant = await tx.tenants.findForUpdate(tenantId);
      if (!tenant) continue;
      const tokens = { ...tenant.settings.tokens };
      if (tokens.accessTokenKeyId === from) tokens.accessTokenKeyId = to;
      if (tokens.idTokenKeyId === from) tokens.idTokenKeyId = to;
      await tx.tenants.update({ ...tenant, settings: { ...tenant.settings, tokens }, lastUpdateInstant: Math.max(this.deps.now(), tenant.lastUpdateInstant) });
      await emit({ type: 'tenant.updated', tenantId });
    }
  }
}

/** The public JWK as published: with `key_ops` (keys stored before 008 may lack it). */
function publicJwkOf(record: KeyRecord): JWK {
  const jwk = { ...(record.publicJwk ?? { kty: 'oct', kid: record.kid }) } as JWK;
  jwk.key_ops ??= ['verify'];
  return jwk;
}

function find(records: KeyRecord[], algorithm: string, state: KeystoreState): KeyRecord | undefined {
  return records.find((r) => r.algorithm === algorithm && r.keystoreState === state);
}

/** The algorithms with a live (current or next) key, in a stable order; `fallback` when none. */
function familiesOf(records: KeyRecord[], fallback: readonly KeyAlgorithm[]): KeyAlgorithm[] {
  const live = [...new Set(records.filter((r) => r.keystoreState === 'current' || r.keystoreState === 'next').map((r) => r.algorithm as KeyAlgorithm))].sort();
  return live.length ? live : [...fallback];
}

/** Which keys are current and next: what a rotation must still find to go ahead. */
function signature(records: KeyRecord[]): string {
  return records
    .filter((r) => r.keystoreState === 'current' || r.keystoreState === 'next')
    .map((r) => `${r.id}:${r.keystoreState}`)
    .sort()
    .join(',');
}

/**
 * The unique indexes refused a second current or next key: a concurrent move won. (Inside
 * `KeyService.store` the index's Conflict becomes a field error, a duplicate.)
 */
function isUniqueClash(error: unknown): boolean {
  return error instanceof Conflict || (error instanceof ValidationFailed && error.problems.length > 0 && error.problems.every((p) => p.kind === 'duplicate'));
}
