/**
 * oidc-provider's storage adapter over the storage contract, scoped to one tenant: every
 * model but `Client` goes to the tenant's OIDC repository (opaque payloads, atomic consume,
 * expiry); `Client` is read from the tenant's clients (src/oidc/clients.ts).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientRecord, Storage } from '../storage/contract.js';
import { clientMetadata } from './clients.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Clients kept per provider: a provider lives until its tenant's clients change (tenant-pool.ts). */
const MAX_CACHED_CLIENTS = 1000;

export interface TenantAdapter {
  /** The engine's `adapter` option: a factory of one adapter per model name. */
  Adapter: (model: string) => Adapter;
  /** The stored client, read once per provider (every client change rebuilds the provider). */
  client(clientId: string): Promise<ClientRecord | undefined>;
}

interface AdapterScope {
  storage: Storage;
  tenantId: string;
  now: () => number;
  edDsaKeys: boolean;
  clientOf(clientId: string): Promise<ClientRecord | undefined>;
}

/**
 * The adapters are classes of this module, not of each provider: every tenant's provider would
 * otherwise carry classes of its own (their prototypes and hidden classes), and a process holds
 * thousands of providers.
 */
class ClientAdapter implements Adapter {
  constructor(private readonly scope: AdapterScope) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const client: ClientRecord | undefined = await this.scope.clientOf(id);
    // A locked client (Vault is_lock) is as good as absent: it obtains nothing.
    return client && !client.locked ? (clientMetadata(client, this.scope.edDsaKeys) as AdapterPayload) : undefined;
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
  constructor(
    private readonly model: string,
    private readonly scope: AdapterScope,
  ) {}

  private get repository() {
    return this.scope.storage.forTenant(this.scope.tenantId).oidc;
  }

  private get nowSeconds(): number {
    return seconds(this.scope.now());
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn ? this.nowSeconds + expiresIn : null;
    await this.repository.upsert(this.model, id, payload as Record<string, unknown>, expiresAt, {
      ...(typeof payload.grantId === 'string' ? { grantId: payload.grantId } : {}),
      ...(typeof payload.accountId === 'string' ? { accountId: payload.accountId } : {}),
      ...(typeof payload.uid === 'string' ? { uid: payload.uid } : {}),
      ...(typeof payload.userCode === 'string' ? { userCode: payload.userCode } : {}),
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.repository.find(this.model, id, this.nowSeconds));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.repository.findByUid(this.model, uid, this.nowSeconds));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.repository.findByUserCode(this.model, userCode, this.nowSeconds));
  }

  async consume(id: string): Promise<void> {
    await this.repository.consume(this.model, id, this.nowSeconds);
  }

  async destroy(id: string): Promise<void> {
    await this.repository.destroy(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.repository.revokeByGrantId(grantId);
  }
}

function payloadOf(found: { payload: Record<string, unknown>; consumedAt: number | null } | undefined): AdapterPayload | undefined {
  if (!found) return undefined;
  return (found.consumedAt === null ? found.payload : { ...found.payload, consumed: found.consumedAt }) as AdapterPayload;
}

export function tenantAdapter(deps: { storage: Storage; tenantId: string; now: () => number; edDsaKeys: boolean }): TenantAdapter {
  const clients = new Map<string, Promise<ClientRecord | undefined>>();
  const clientOf = (clientId: string) => {
    let found = clients.get(clientId);
    if (!found) {
      if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!);
      found = deps.storage.forTenant(deps.tenantId).clients.find(clientId);
      found.catch(() => clients.delete(clientId));
      clients.set(clientId, found);
    }
    return found;
  };
  const scope: AdapterScope = { ...deps, clientOf };
  return { Adapter: (model) => (model === 'Client' ? new ClientAdapter(scope) : new ModelAdapter(model, scope)), client: clientOf };
}
