/**
 * A tenant's `subscription` in the PlusAuth view (seed 002): today the plan the tenant model
 * stores (`settings.subscription.plan`). The plan catalogue — each plan's `plan_details`
 * (max_users, max_clients, mfa.*, …) and the limits they impose — is a later issue's; it is
 * handed in here as a `PlanDetails` source, and until then `plan_details` is left out rather
 * than made up.
 */
import type { Tenant } from '../../core/tenants/settings.js';

/** The seam for the plan catalogue: the details of a plan, when known. */
export type PlanDetails = (plan: Tenant['settings']['subscription']['plan']) => Record<string, unknown> | undefined;

export function plusAuthSubscription(tenant: Tenant, planDetails?: PlanDetails): Record<string, unknown> {
  const plan = tenant.settings.subscription.plan;
  const details = planDetails?.(plan);
  return { plan, ...(details ? { plan_details: details } : {}) };
}
