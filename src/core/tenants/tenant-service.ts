/**
 * Tenant use cases. Dialects hand in complete core settings (their defaults applied); this
 * service decides: derives the slug and issuer, generates the tenant's signing keys, checks the
 * invariants and references, keeps names unique, and deletes everything a tenant owns.
 */
import crypto from 'node:crypto';
import type { KeyRecord, Storage } from '../../storage/contract.js';
import { Conflict, type FieldProblem, NotFound, NotPermitted, ValidationFailed, problem } from '../errors.js';
import type { ChangeBus } from '../events/change-bus.js';
import { isTenantChange } from '../events/change-events.js';
import type { KeyService } from '../keys/key-service.js';
import type { KeystoreService } from '../keys/keystore-service.js';
import { READ_CACHE_TTL_MS, ReadCache } from '../read-cache.js';
import { isUuid } from '../../util/uuid.js';
import { isAccountId } from '../access/accounts.js';
import type { PlanPolicy } from '../plans/plan-policy.js';
import { checkTenantSettings } from './rules.js';
import type { TenantBranding } from './branding.js';
import type { Tenant, TenantSettings } from './settings.js';
import { isValidSlug, slugCandidate, slugFromName } from './slug.js';

/** Who is asking: a tenant-locked credential sees only its tenant. */
export interface TenantScope {
  tenantId?: string | undefined;
}

export interface TenantDraft {
  name: string;
  /** Complete settings. An empty `issuer` means "derive it"; empty key ids mean "generate keys". */
  settings: TenantSettings;
}

export interface CreateTenant extends Partial<TenantDraft> {
  id?: string;
  name: string;
  slug?: string;
  /** The account the tenant is created by (core/access/accounts.ts): the caller's, recorded for good. */
  createdBy: string;
  /** Copy every setting of this tenant (FusionAuth sourceTenantId). */
  sourceTenantId?: string;
  /**
   * What the creating API starts a tenant with (its documented defaults; the core's when left
   * out): settings a feature of the new tenant's plan guards may keep these values (core/plans).
   */
  planBaseline?: TenantSettings;
}

const MAX_SLUG_ATTEMPTS = 50;

export class TenantService {
  private readonly pendingDeletes = new Set<Promise<void>>();
  /**
   * Tenants by id and by slug (`slug:…`), for the reads every request makes. Any tenant change,
   * here or on another instance (change events), clears it; the TTL is the backstop.
   */
  private readonly cache: ReadCache<Tenant>;

  constructor(
    private readonly deps: {
      storage: Storage;
      changes: ChangeBus;
      keys: KeyService;
      keystore: KeystoreService;
      publicUrl: string;
      /** The region a new tenant records when its settings name none (TESSERA_REGION). */
      region: string;
      /** Subscription plans: a new tenant's plan, and what each plan allows (core/plans). */
      plans: PlanPolicy;
      now: () => number;
      cacheTtlMs?: number;
      log?: { error: (obj: unknown, msg: string) => void };
    },
  ) {
    this.cache = new ReadCache<Tenant>({ ttlMs: deps.cacheTtlMs ?? READ_CACHE_TTL_MS, maxEntries: 10_000, now: deps.now });
    // Tenants are cached by id and by slug, and writes are rare: forget them all.
    deps.changes.subscribe((event) => {
      if (isTenantChange(event)) this.cache.clear();
    });
  }

  defaultIssuer(slug: string): string {
    return `${this.deps.publicUrl}/${slug}`;
  }

  /**
   * The issuer stored for a tenant: the one in force. An issuer given in its place is accepted
   * and shown as the one in force (FusionAuth clients send one), but a blank one is still an
   * error; '' is a dialect's "derive it".
   */
  private issuerFor(slug: string, given: string): string {
    if (given !== '' && !given.trim()) throw new ValidationFailed([problem('issuer', 'blank', 'The issuer is required.')]);
    return this.defaultIssuer(slug);
  }

  /**
   * The issuer of a tenant is where its provider answers, `{PUBLIC_URL}/{slug}`: every view shows
   * that one, whatever was stored (an issuer given on create or update, or a PUBLIC_URL since changed).
   */
  private inForce(tenant: Tenant | undefined): Tenant | undefined {
    if (!tenant) return tenant;
    const issuer = this.defaultIssuer(tenant.slug);
    return tenant.settings.issuer === issuer ? tenant : { ...tenant, settings: { ...tenant.settings, issuer } };
  }

  async get(scope: TenantScope, id: string): Promise<Tenant> {
    if (scope.tenantId && scope.tenantId !== id) throw new NotPermitted();
    const tenant = await this.cached(id);
    if (!tenant) throw new NotFound('tenant');
    return tenant;
  }

  /** The tenant as last read (at most READ_CACHE_TTL_MS ago); never to be changed in place. */
  private cached(id: string): Promise<Tenant | undefined> {
    return this.cache.get(id, async () => this.inForce(await this.deps.storage.tenants.find(id)));
  }

  async getBySlugOrId(idOrSlug: string): Promise<Tenant> {
    const bySlug = () => this.cache.get(`slug:${idOrSlug}`, async () => this.inForce(await this.deps.storage.tenants.findBySlug(idOrSlug)));
    const tenant = isUuid(idOrSlug) ? ((await this.cached(idOrSlug)) ?? (await bySlug())) : await bySlug();
    if (!tenant) throw new NotFound('tenant');
    return tenant;
  }

  /** The only tenant, when there is exactly one (FusionAuth's rule for calls that name none). */
  async soleTenant(): Promise<Tenant | undefined> {
    const ids = await this.deps.storage.tenants.someIds(2);
    return ids.length === 1 ? this.cached(ids[0]!) : undefined;
  }

  async list(scope: TenantScope): Promise<Tenant[]> {
    return (await this.deps.storage.tenants.list(scope.tenantId ? [scope.tenantId] : undefined)).map((tenant) => this.inForce(tenant)!);
  }

  /** The tenants an account created, oldest first; a tenant-locked scope sees only its tenant among them. */
  async listCreatedBy(scope: TenantScope, accountId: string): Promise<Tenant[]> {
    const created = await this.deps.storage.tenants.listCreatedBy(accountId);
    return scope.tenantId ? created.filter((t) => t.id === scope.tenantId) : created;
  }

  async create(scope: TenantScope, request: CreateTenant): Promise<Tenant> {
    if (scope.tenantId) throw new NotPermitted();
    const name = request.name.trim();
    const id = request.id ?? crypto.randomUUID();
    const problems: FieldProblem[] = [];
    if (!name) problems.push(problem('name', 'blank', 'The tenant name is required.'));
    if (!isAccountId(request.createdBy)) problems.push(problem('createdBy', 'invalid', 'An account id is 1–64 letters, digits and _ . : @ -.'));
    if (request.slug !== undefined && !isValidSlug(request.slug)) {
      problems.push(problem('slug', 'invalid', 'A slug is 1–64 lowercase letters, digits and inner hyphens, and not UUID-shaped.'));
    }

    let settings: TenantSettings;
    if (request.sourceTenantId) {
      const source = await this.deps.storage.tenants.find(request.sourceTenantId);
      if (!source) throw new ValidationFailed([...problems, problem('sourceTenantId', 'invalid', 'The source tenant does not exist.')]);
      settings = structuredClone(source.settings);
      // Keys the source owns die with it, so a copy gets keys of its own; shared keys stay shared.
      const owned = new Set(await this.deps.storage.keys.idsOwnedBy(source.id));
      if (owned.has(settings.tokens.accessTokenKeyId)) settings.tokens.accessTokenKeyId = '';
      if (owned.has(settings.tokens.idTokenKeyId)) settings.tokens.idTokenKeyId = '';
    } else if (request.settings) {
      settings = structuredClone(request.settings);
    } else {
      throw new Error('create() needs settings or a sourceTenantId');
    }
    if (problems.length) throw new ValidationFailed(problems);
    settings.region ??= this.deps.region;
    if (await this.deps.storage.tenants.find(id)) throw new ValidationFailed([problem('id', 'duplicate', 'A tenant with this id already exists.')]);
    // A given slug that is taken is the caller's to hear about first (it may be the name too).
    if (request.slug !== undefined && (await this.deps.storage.tenants.findBySlug(request.slug))) throw new ValidationFailed([problem('slug', 'duplicate', 'A tenant with this slug already exists.')]);
    await this.assertNameFree(name);
    // max_tenants counts the tenants the creating account made.
    settings = await this.deps.plans.admitNewTenant(settings, { baseline: request.planBaseline, accountTenants: () => this.deps.storage.tenants.listCreatedBy(request.createdBy) });

    const newKeys = await this.prepareMissingKeys(id, name, settings);
    const baseSlug = request.slug ?? slugFromName(name);
    for (let attempt = 0; attempt < MAX_SLUG_ATTEMPTS; attempt++) {
      const slug = request.slug ?? slugCandidate(baseSlug, attempt);
      const tenantSettings = { ...settings, issuer: this.issuerFor(slug, settings.issuer) };
      await this.validate(tenantSettings, newKeys);
      const now = this.deps.now();
      const tenant: Tenant = { id, slug, name, state: 'Active', settings: tenantSettings, insertInstant: now, lastUpdateInstant: now, createdBy: request.createdBy };
      try {
        await this.deps.changes.transaction(async (tx, emit) => {
          await tx.tenants.insert(tenant);
          await this.deps.keys.store(tx, emit, newKeys.map((k) => ({ ...k, tenantId: id })));
          await emit({ type: 'tenant.created', tenantId: id });
        });
        return tenant;
      } catch (error) {
        if (!(error instanceof Conflict) && !(error instanceof ValidationFailed)) throw error;
        // Who won the race? A same-named or same-id tenant is the caller's error; a slug clash is ours.
        await this.assertNameFree(name);
        if (await this.deps.storage.tenants.find(id)) throw new ValidationFailed([problem('id', 'duplicate', 'A tenant with this id already exists.')]);
        if (error instanceof ValidationFailed) throw error;
        if (request.slug !== undefined) throw new ValidationFailed([problem('slug', 'duplicate', 'A tenant with this slug already exists.')]);
      }
    }
    throw new ValidationFailed([problem('slug', 'duplicate', 'No free slug could be derived from this name; give one.')]);
  }

  /**
   * Replaces a tenant's name and settings. `change` receives the current tenant and returns the
   * new draft; it runs inside the transaction, against a row locked for update.
   */
  async update(scope: TenantScope, id: string, change: (current: Tenant) => TenantDraft): Promise<Tenant> {
    if (scope.tenantId && scope.tenantId !== id) throw new NotPermitted();
    try {
      return await this.deps.changes.transaction(async (tx, emit) => {
        const current = await tx.tenants.findForUpdate(id);
        if (!current) throw new NotFound('tenant');
        const draft = change(current);
        const name = draft.name.trim();
        if (!name) throw new ValidationFailed([problem('name', 'blank', 'The tenant name is required.')]);
        const settings = { ...draft.settings, issuer: this.issuerFor(current.slug, draft.settings.issuer) };
        if (!settings.tokens.accessTokenKeyId || !settings.tokens.idTokenKeyId) {
          throw new ValidationFailed([
            ...(!settings.tokens.accessTokenKeyId ? [problem('tokens.accessTokenKeyId', 'blank', 'The access token signing key is required.')] : []),
            ...(!settings.tokens.idTokenKeyId ? [problem('tokens.idTokenKeyId', 'blank', 'The id token signing key is required.')] : []),
          ]);
        }
        await this.validate(settings, [], tx);
        this.deps.plans.checkSettingsChange(current.settings, settings);
        if (name !== current.name && (await tx.tenants.nameTaken(name, id))) {
          throw new ValidationFailed([problem('name', 'duplicate', 'A tenant with this name already exists.')]);
        }
        const updated: Tenant = { ...current, name, settings, lastUpdateInstant: Math.max(this.deps.now(), current.lastUpdateInstant) };
        await tx.tenants.update(updated);
        await emit({ type: 'tenant.updated', tenantId: id });
        return updated;
      });
    } catch (error) {
      if (error instanceof Conflict) throw new ValidationFailed([problem('name', 'duplicate', 'A tenant with this name already exists.')]);
      throw error;
    }
  }

  /** Replaces the tenant's branding (the hosted pages' logo and colours), checked with every other setting. */
  async setBranding(scope: TenantScope, id: string, branding: TenantBranding): Promise<Tenant> {
    return this.update(scope, id, (current) => ({ name: current.name, settings: { ...current.settings, branding: { ...branding } } }));
  }

  /**
   * Deletes a tenant and everything it owns. Synchronous: one transaction. Asynchronous: the
   * tenant is marked PendingDelete and removed in the background; a restart resumes the work.
   */
  async delete(scope: TenantScope, id: string, options: { async: boolean }): Promise<void> {
    if (scope.tenantId) throw new NotPermitted();
    const tenant = await this.deps.storage.tenants.find(id);
    if (!tenant) throw new NotFound('tenant');
    if (!options.async) {
      await this.purge(id);
      return;
    }
    await this.deps.changes.transaction(async (tx, emit) => {
      await tx.tenants.setState(id, 'PendingDelete', this.deps.now());
      await emit({ type: 'tenant.updated', tenantId: id });
    });
    this.purgeInBackground(id);
  }

  /** Called at start: finish deletions a previous process accepted but did not complete. */
  async resumePendingDeletes(): Promise<number> {
    const ids = await this.deps.storage.tenants.idsInState('PendingDelete');
    ids.forEach((id) => this.purgeInBackground(id));
    return ids.length;
  }

  /** Resolves when every background deletion started so far has finished. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pendingDeletes]);
  }

  private purgeInBackground(id: string): void {
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.purge(id))
      .catch((error: unknown) => this.deps.log?.error({ err: error, tenantId: id }, 'background tenant deletion failed; it resumes on restart'))
      .finally(() => this.pendingDeletes.delete(work));
    this.pendingDeletes.add(work);
  }

  private async purge(id: string): Promise<void> {
    await this.deps.changes.transaction(async (tx, emit) => {
      // Keys this tenant owns but another tenant signs with become global instead of vanishing.
      const owned = await tx.keys.idsOwnedBy(id);
      const stillUsed: string[] = [];
      for (const keyId of owned) {
        if ((await tx.tenants.usingKey(keyId, id)).length) stillUsed.push(keyId);
      }
      await tx.keys.release(stillUsed);
      // Rows that reference the tenant go first; foreign keys cascade the rest.
      await tx.apiKeys.deleteLockedTo(id);
      await tx.keys.deleteOwnedBy(id);
      await tx.tenants.delete(id);
      for (const keyId of owned) {
        await emit(stillUsed.includes(keyId) ? { type: 'key.updated', keyId, tenantId: null } : { type: 'key.deleted', keyId, tenantId: id });
      }
      await emit({ type: 'tenant.deleted', tenantId: id });
    });
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.deps.storage.tenants.nameTaken(name)) throw new ValidationFailed([problem('name', 'duplicate', 'A tenant with this name already exists.')]);
  }

  /**
   * A new tenant's keystore (core/keys/keystore-service.ts): per algorithm of the keystore's
   * set, a current key and a pre-published next one. Access tokens are signed with the ES256
   * family's current key (signed on every login, and an ES256 signature costs a fraction of an
   * RSA-2048 one), id tokens with the RS256 family's (the one algorithm every OpenID relying
   * party must accept). Only the families a missing key id needs are made for a copy.
   */
  private async prepareMissingKeys(tenantId: string, name: string, settings: TenantSettings): Promise<KeyRecord[]> {
    const purposes = [['accessTokenKeyId', 'ES256'], ['idTokenKeyId', 'RS256']] as const;
    const missing = purposes.filter(([field]) => !settings.tokens[field]);
    if (!missing.length) return [];
    const wanted = new Set([...this.deps.keystore.defaultAlgorithms, ...missing.map(([, algorithm]) => algorithm)]);
    // A copy that keeps one of the source's keys gets only the family it lacks.
    const algorithms = missing.length === purposes.length ? [...wanted] : missing.map(([, algorithm]) => algorithm);
    const families = new Map(await Promise.all(algorithms.map(async (algorithm) => [algorithm, await this.deps.keystore.prepareFamily(tenantId, name, algorithm)] as const)));
    for (const [field, algorithm] of missing) settings.tokens[field] = families.get(algorithm)!.current.id;
    return [...families.values()].flatMap(({ current, next }) => [current, next]);
  }

  private async validate(settings: TenantSettings, newKeys: KeyRecord[], storage: Storage = this.deps.storage): Promise<void> {
    const problems = checkTenantSettings(settings);
    const fresh = new Set(newKeys.map((k) => k.id));
    const wanted = [settings.tokens.accessTokenKeyId, settings.tokens.idTokenKeyId].filter((k) => !fresh.has(k));
    const found = await this.deps.keys.existing(storage, wanted);
    const revoked = await this.deps.keys.revoked(storage, wanted);
    for (const field of ['accessTokenKeyId', 'idTokenKeyId'] as const) {
      const keyId = settings.tokens[field];
      if (!fresh.has(keyId) && !found.has(keyId)) problems.push(problem(`tokens.${field}`, 'missing', 'The signing key does not exist.'));
      else if (revoked.has(keyId)) problems.push(problem(`tokens.${field}`, 'invalid', 'The signing key is revoked.'));
    }
    if (problems.length) throw new ValidationFailed(problems);
  }
}
