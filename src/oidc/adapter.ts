/**
 * oidc-provider's storage adapter over the storage contract, one class per tenant: every
 * model but `Client` goes to the tenant's OIDC repository (opaque payloads, atomic consume,
 * expiry); `Client` is read from the tenant's clients (src/oidc/clients.ts).
 */
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import type { ClientRecord, Storage } from '../storage/contract.js';
import { clientMetadata } from './clients.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Clients kept per provider: a provider lives until its tenant's clients change (tenant-pool.ts). */
const MAX_CACHED_CLIENTS = 1000;

export interface TenantAdapter {
  Adapter: AdapterConstructor;
  /** The stored client, read once per provider (every client change rebuilds the provider). */
  client(clientId: string): Promise<ClientRecord | undefined>;
}

export function tenantAdapter(deps: { storage: Storage; tenantId: string; now: () => number; edDsaKeys: boolean }): TenantAdapter {
  const scoped = () => deps.storage.forTenant(deps.tenantId);
  const clients = new Map<string, Promise<ClientRecord | undefined>>();
  const clientOf = (clientId: string) => {
    let found = clients.get(clientId);
    if (!found) {
      if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!);
      found = scoped().clients.find(clientId);
      found.catch(() => clients.delete(clientId));
      clients.set(clientId, found);
    }
    return found;
  };

  class ClientAdapter implements Adapter {
    async find(id: string): Promise<AdapterPayload | undefined> {
      const client: ClientRecord | undefined = await clientOf(id);
      // A locked client (Vault is_lock) is as good as absent: it obtains nothing.
      return client && !client.locked ? (clientMetadata(client, deps.edDsaKeys) as AdapterPayload) : undefined;
    }
    // Clients are managed through the client API, never by the engine.
    async upsert(): Promise<void> {}
    async findByUid(): Promise<undefined> {}
    async findByUserCode(): Promise<undefined> {}
    async consume(): Promise<void> {}
    async destroy(): Promise<void> {}
    async revokeByGrantId(): Promise<void> {}
  }

  class ModelAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? seconds(deps.now()) + expiresIn : null;
      await scoped().oidc.upsert(this.model, id, payload as Record<string, unknown>, expiresAt, {
        ...(typeof payload.grantId === 'string' ? { grantId: payload.grantId } : {}),
        ...(typeof payload.accountId === 'string' ? { accountId: payload.accountId } : {}),
        ...(typeof payload.uid === 'string' ? { uid: payload.uid } : {}),
        ...(typeof payload.userCode === 'string' ? { userCode: payload.userCode } : {}),
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return this.payload(await scoped().oidc.find(this.model, id, seconds(deps.now())));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.payload(await scoped().oidc.findByUid(this.model, uid, seconds(deps.now())));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.payload(await scoped().oidc.findByUserCode(this.model, userCode, seconds(deps.now())));
    }

    async consume(id: string): Promise<void> {
      await scoped().oidc.consume(this.model, id, seconds(deps.now()));
    }

    async destroy(id: string): Promise<void> {
      await scoped().oidc.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await scoped().oidc.revokeByGrantId(grantId);
    }

    private payload(found: { payload: Record<string, unknown>; consumedAt: number | null } | undefined): AdapterPayload | undefined {
      if (!found) return undefined;
      return (found.consumedAt === null ? found.payload : { ...found.payload, consumed: found.consumedAt }) as AdapterPayload;
    }
  }

  const Adapter = class TenantModels {
    constructor(name: string) {
      return name === 'Client' ? new ClientAdapter() : new ModelAdapter(name);
    }
  } as unknown as AdapterConstructor;
  return { Adapter, client: clientOf };
}
