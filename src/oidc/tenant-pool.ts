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

/** What the pool has done since it started: for capacity planning (is OIDC_PROVIDER_POOL big enough?). */
export interface PoolStats {
  /** Providers built (each first request of a tenant, and each after a change or an eviction). */
  builds: number;
  /** Requests served by a provider already built (or being built). */
  hits: number;
  /** Providers dropped to stay within OIDC_PROVIDER_POOL (least recently used first). */
  evictions: number;
  /** Providers held now. */
  size: number;
  /** OIDC_PROVIDER_POOL. */
  capacity: number;
}

/** A pooled provider with the tenant it was built from. */
export interface PoolEntry {
  tenant: Tenant;
  built: Promise<PooledProvider>;
}

export class ProviderPool {
  /**
   * Built (or building) providers by tenant id, least recently used first. A change removes the
   * entry at once, so a build that began before the change is never handed out after it.
   */
  private readonly entries = new Map<string, PoolEntry>();
  /** Tenant ids by slug, for the entries held: the issuer lane finds a provider without a tenant look-up. */
  private readonly slugs = new Map<string, string>();
  private readonly counts = { builds: 0, hits: 0, evictions: 0 };

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

  get stats(): PoolStats {
    return { ...this.counts, size: this.entries.size, capacity: this.deps.maxProviders };
  }

  get(tenant: Tenant): Promise<PooledProvider> {
    const hit = this.entries.get(tenant.id);
    if (hit) return this.touch(tenant.id, hit).built;
    this.counts.builds++;
    const built = buildProvider(tenant, this.deps).then((provider) => ({ provider, handle: provider.callback() }));
    const entry = { tenant, built };
    this.entries.set(tenant.id, entry);
    this.slugs.set(tenant.slug, tenant.id);
    // A failed build is not kept: the next request tries again.
    built.catch(() => {
      if (this.entries.get(tenant.id) === entry) this.forget(tenant.id);
    });
    while (this.entries.size > this.deps.maxProviders) {
      this.forget(this.entries.keys().next().value!);
      this.counts.evictions++;
    }
    return built;
  }

  /**
   * The provider held for the tenant whose slug this is, with that tenant as it was built (every
   * change to it since has removed the entry), or undefined when none is held.
   */
  bySlug(slug: string): PoolEntry | undefined {
    const tenantId = this.slugs.get(slug);
    const entry = tenantId === undefined ? undefined : this.entries.get(tenantId);
    return entry && this.touch(tenantId!, entry);
  }

  forget(tenantId: string): void {
    const entry = this.entries.get(tenantId);
    if (!entry) return;
    this.entries.delete(tenantId);
    if (this.slugs.get(entry.tenant.slug) === tenantId) this.slugs.delete(entry.tenant.slug);
  }

  clear(): void {
    this.entries.clear();
    this.slugs.clear();
  }

  /** Most recently used last. */
  private touch(tenantId: string, entry: PoolEntry): PoolEntry {
    this.entries.delete(tenantId);
    this.entries.set(tenantId, entry);
    this.counts.hits++;
    return entry;
  }
}
