/**
 * A tenant as PlusAuth shows it (seeds 000 and 002): `tenant_id` (the slug), `region` (the
 * tenant's, else the configured TESSERA_REGION), ISO 8601 `created_at` / `updated_at`, the
 * tenant `keystore` (the entries GET /tenants/{tenant_id}/keys lists), `settings` and
 * `subscription`.
 */
import type { KeystoreService } from '../../core/keys/keystore-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import { isoInstant } from '../../util/instant.js';
import { keystoreEntriesJson } from '../keystore-json.js';
import { plusAuthSettings } from './settings-mapping.js';
import { type PlanDetails, plusAuthSubscription } from './subscription.js';

export interface PlusAuthTenantDeps {
  keystore: KeystoreService;
  region: string;
  planDetails?: PlanDetails | undefined;
}

export async function toPlusAuthTenant(tenant: Tenant, deps: PlusAuthTenantDeps): Promise<Record<string, unknown>> {
  return {
    tenant_id: tenant.slug,
    region: tenant.settings.region ?? deps.region,
    created_at: isoInstant(tenant.insertInstant),
    updated_at: isoInstant(tenant.lastUpdateInstant),
    keystore: keystoreEntriesJson(await deps.keystore.keystore(tenant)),
    settings: plusAuthSettings(tenant.settings),
    subscription: plusAuthSubscription(tenant, deps.planDetails),
  };
}
