/**
 * A tenant's subscription: which plan it is on, and the change of plan. Seeing and changing it
 * is the operator's: only the superuser API key (locked to no tenant, limited to no endpoints)
 * may; any other key is NotPermitted, whether the tenant exists or not. A change to a plan
 * below the tenant's usage is accepted (core/plans/plan-policy.ts: only growth is refused).
 */
import type { ApiKey } from '../apikeys/api-key-service.js';
import { NotFound, NotPermitted } from '../errors.js';
import type { Tenant } from '../tenants/settings.js';
import { SLUG_PATTERN } from '../tenants/slug.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { isUuid } from '../../util/uuid.js';
import type { PlanName } from './catalogue.js';
import type { PlanPolicy, Subscription } from './plan-policy.js';

/** The superuser key: FusionAuth's key without a tenant lock or endpoint permissions. */
export function maySeeAndChangePlans(apiKey: ApiKey): boolean {
  return apiKey.tenantId === null && Object.keys(apiKey.permissions.endpoints).length === 0;
}

export class SubscriptionService {
  constructor(private readonly deps: { tenants: TenantService; plans: PlanPolicy }) {}

  /** The subscription of the tenant `tenantRef` (its slug or UUID) names. */
  async get(caller: ApiKey, tenantRef: string): Promise<Subscription & { tenant: Tenant }> {
    const tenant = await this.tenantFor(caller, tenantRef);
    return { tenant, ...this.deps.plans.subscriptionOf(tenant) };
  }

  /** Puts the tenant on `plan` (published as a tenant change, like any other). */
  async change(caller: ApiKey, tenantRef: string, plan: PlanName): Promise<Subscription & { tenant: Tenant }> {
    const tenant = await this.tenantFor(caller, tenantRef);
    const updated = await this.deps.tenants.update({}, tenant.id, (current) => ({
      name: current.name,
      settings: { ...current.settings, subscription: { ...current.settings.subscription, plan } },
    }));
    return { tenant: updated, ...this.deps.plans.subscriptionOf(updated) };
  }

  private async tenantFor(caller: ApiKey, tenantRef: string): Promise<Tenant> {
    if (!maySeeAndChangePlans(caller)) throw new NotPermitted();
    const ref = tenantRef.toLowerCase();
    if (!SLUG_PATTERN.test(ref) && !isUuid(ref)) throw new NotFound('tenant');
    const tenant = await this.deps.tenants.getBySlugOrId(ref);
    if (tenant.state !== 'Active') throw new NotFound('tenant');
    return tenant;
  }
}
