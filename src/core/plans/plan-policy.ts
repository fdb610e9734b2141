/**
 * Subscription plans, enforced where they bite. Every tenant is on one plan of the catalogue
 * (core/plans/catalogue.ts), stored in its settings (`subscription.plan`):
 *
 * - A new tenant is on the install's default plan (TESSERA_DEFAULT_PLAN; `on-premise`, without
 *   limits, unless the operator says otherwise), whichever API creates it — a copy
 *   (`sourceTenantId`) too: a plan is the tenant's own, not a setting to copy. The plan changes
 *   only through PUT /tenants/{tenant_id}/subscription.
 * - Counts: `max_users` and `max_clients` bound a tenant's users and clients; `max_tenants` the
 *   tenants an account has created (the allowance is the largest `max_tenants` among the plans
 *   of the account's tenants and the new one's: upgrading one tenant raises the account's).
 * - Features: a plan without one refuses the settings it guards (core/plans/feature-guards.ts).
 * - A plan below current usage is accepted. Nothing is removed or switched off: what is over a
 *   limit stays, and only growth is refused — another user, client or tenant, or a guarded
 *   setting changed to anything but what it is or its default — until usage is under it again.
 *
 * Counts are checked before the work (to refuse early, before passwords are hashed or keys
 * generated) and, for users and clients, again inside the transaction that writes: a user
 * insert updates the tenant's user-count row, which PostgreSQL locks until the commit, so the
 * count read after it includes every racing insert; a client insert first locks the tenant's
 * row. A plan without a limit costs nothing of this.
 */
import type { Storage } from '../../storage/contract.js';
import { PlanLimitExceeded, type PlanProblem } from '../errors.js';
import { type Tenant, type TenantSettings, defaultTenantSettings } from '../tenants/settings.js';
import { type PlanCatalogue, type PlanDetails, type PlanName, countLimit, isPlanName } from './catalogue.js';
import { featureProblems } from './feature-guards.js';

/** The core's defaults, for the settings the plans guard (keys and issuer play no part). */
const CORE_DEFAULTS = defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' });

export interface Subscription {
  plan: PlanName;
  details: PlanDetails;
}

export class PlanPolicy {
  constructor(private readonly deps: { catalogue: PlanCatalogue; defaultPlan: PlanName }) {}

  /** The plan a new tenant is on (TESSERA_DEFAULT_PLAN). */
  get defaultPlan(): PlanName {
    return this.deps.defaultPlan;
  }

  details(plan: PlanName): PlanDetails {
    return this.deps.catalogue[plan];
  }

  /** The plan a tenant is on: the stored one (migration 015 gave every older tenant one). */
  planOf(settings: TenantSettings): PlanName {
    const stored = settings.subscription?.plan;
    return isPlanName(stored) ? stored : this.deps.defaultPlan;
  }

  subscriptionOf(tenant: Tenant): Subscription {
    const plan = this.planOf(tenant.settings);
    return { plan, details: this.details(plan) };
  }

  /**
   * A tenant about to be created: puts it on the default plan and checks what that plan allows
   * it — the account's tenant allowance and the features its settings use. `baseline` is what
   * the creating API starts a tenant with (its documented defaults): a setting a missing
   * feature guards may have that value. `accountTenants` reads the tenants the creating
   * account already has. Returns the settings with the plan.
   */
  async admitNewTenant(settings: TenantSettings, context: { baseline?: TenantSettings | undefined; accountTenants: () => Promise<Tenant[]> }): Promise<TenantSettings> {
    const plan = this.deps.defaultPlan;
    const admitted: TenantSettings = { ...settings, subscription: { plan } };
    const problems = featureProblems(plan, this.details(plan), context.baseline ?? CORE_DEFAULTS, admitted, CORE_DEFAULTS);
    if (problems.length) throw new PlanLimitExceeded(problems);
    if (countLimit(this.details(plan), 'max_tenants') === undefined) return admitted;

    const existing = await context.accountTenants();
    let best: { plan: PlanName; limit: number } | undefined;
    for (const candidate of new Set([plan, ...existing.map((t) => this.planOf(t.settings))])) {
      const limit = countLimit(this.details(candidate), 'max_tenants');
      if (limit === undefined) return admitted;
      if (!best || limit > best.limit) best = { plan: candidate, limit };
    }
    if (best && existing.length + 1 > best.limit) {
      throw new PlanLimitExceeded([{ limit: 'max_tenants', plan: best.plan, message: `The ${best.plan} plan allows an account at most ${best.limit} tenant${best.limit === 1 ? '' : 's'} (max_tenants), and this account has ${existing.length}.` }]);
    }
    return admitted;
  }

  /** A tenant's settings changing from `before` to `after`: refused where a feature its plan lacks guards them. */
  checkSettingsChange(before: TenantSettings, after: TenantSettings): void {
    const plan = this.planOf(after);
    const problems = featureProblems(plan, this.details(plan), before, after, CORE_DEFAULTS);
    if (problems.length) throw new PlanLimitExceeded(problems);
  }

  /**
   * Room for `adding` more users in the tenant (`max_users`), before any work: a batch that
   * would cross the limit is refused whole.
   */
  async checkUserRoom(tenant: Tenant, storage: Storage, adding: number): Promise<void> {
    const plan = this.planOf(tenant.settings);
    const limit = countLimit(this.details(plan), 'max_users');
    if (limit === undefined || adding === 0) return;
    const count = await storage.forTenant(tenant.id).users.count();
    if (count + adding > limit) throw this.countExceeded('max_users', plan, limit, 'users', count, adding);
  }

  /**
   * Inside the transaction that inserted users, after the insert: still within `max_users`?
   * (The insert updated the tenant's count row, so racing inserts are all counted.)
   */
  async checkUserCount(tenant: Tenant, tx: Storage): Promise<void> {
    const plan = this.planOf(tenant.settings);
    const limit = countLimit(this.details(plan), 'max_users');
    if (limit === undefined) return;
    const count = await tx.forTenant(tenant.id).users.count();
    if (count > limit) throw this.countExceeded('max_users', plan, limit, 'users', undefined, undefined);
  }

  /**
   * Room for one more client (`max_clients`). With `tx`, inside the transaction that inserts it:
   * the tenant's row is locked first, so racing creations are counted one after the other.
   */
  async checkClientRoom(tenant: Tenant, storage: Storage, options: { lock: boolean }): Promise<void> {
    if (countLimit(this.details(this.planOf(tenant.settings)), 'max_clients') === undefined) return;
    const current = options.lock ? ((await storage.tenants.findForUpdate(tenant.id)) ?? tenant) : tenant;
    const plan = this.planOf(current.settings);
    const limit = countLimit(this.details(plan), 'max_clients');
    if (limit === undefined) return;
    const count = await storage.forTenant(tenant.id).clients.count();
    if (count + 1 > limit) throw this.countExceeded('max_clients', plan, limit, 'clients', count, 1);
  }

  private countExceeded(member: string, plan: PlanName, limit: number, noun: string, count: number | undefined, adding: number | undefined): PlanLimitExceeded {
    let message = `The ${plan} plan allows at most ${limit} ${noun} in a tenant (${member})`;
    if (count !== undefined) message += `, and this tenant has ${count}`;
    if (adding !== undefined && adding > 1) message += `; these ${adding} would make ${count! + adding}, so none was created`;
    const problem: PlanProblem = { limit: member, plan, message: `${message}.` };
    return new PlanLimitExceeded([problem]);
  }
}
