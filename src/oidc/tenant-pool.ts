/**
 * The tenants' OpenID Providers, built when first asked for and kept in a bounded pool (least
 * recently used out first), so memory follows the tenants in use, not the tenant count. A
 * change to a tenant, its keys or its clients — made here or on another instance (change
 * events) — drops that tenant's provider; the next request builds it anew.
 */
import type Provider from 'oidc-provider';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeBus } from '../core/events/change-bus.js';
import type { Tenant } from '../core/tenants/settings.js';
import { type ProviderDeps, buildProvider } from './provider-factory.js';

export interface PooledProvider {
  provider: Provider;
  /** The provider's request handler (composed once: Koa composes its middleware per call). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export class ProviderPool {
  private readonly entries = new Map<string, Promise<PooledProvider>>();
  /** Bumped per tenant by every change: a build that began before it is not kept. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly deps: ProviderDeps & { changes: ChangeBus; maxProviders: number },
  ) {
    deps.changes.subscribe((event) => {
      if (event.type.startsWith('apiKey.')) return;
      const tenantId = 'tenantId' in event ? event.tenantId : null;
      // A global key may be any tenant's: forget them all.
      if (tenantId) this.forget(tenantId);
      else this.clear();
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(tenant: Tenant): Promise<PooledProvider> {
    const hit = this.entries.get(tenant.id);
    if (hit) {
      // Most recently used last.
      this.entries.delete(tenant.id);
      this.entries.set(tenant.id, hit);
      return hit;
    }
    const generation = this.generations.get(tenant.id) ?? 0;
    const built = buildProvider(tenant, this.deps).then((provider) => ({ provider, handle: provider.callback() }));
    this.entries.set(tenant.id, built);
    built.then(
      () => {
        if ((this.generations.get(tenant.id) ?? 0) !== generation && this.entries.get(tenant.id) === built) this.entries.delete(tenant.id);
      },
      () => {
        if (this.entries.get(tenant.id) === built) this.entries.delete(tenant.id);
      },
    );
    while (this.entries.size > this.deps.maxProviders) this.entries.delete(this.entries.keys().next().value!);
    return built;
  }

  forget(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
    this.entries.delete(tenantId);
  }

  clear(): void {
    for (const id of this.entries.keys()) this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    this.entries.clear();
  }
}
