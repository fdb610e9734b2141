/**
 * API keys: stored as SHA-256 hashes, shown once on creation. A key may be locked to one
 * tenant, limited to endpoints/methods, and marked keyManager (may manage other keys). Every
 * key acts for an account (`ownerId`, core/access/accounts.ts), fixed when it is created.
 */
import crypto from 'node:crypto';
import { newApiKeyValue, sha256Hex } from '../../crypto/secrets.js';
import type { ApiKeyRecord, Storage } from '../../storage/contract.js';
import { Conflict, NotFound, ValidationFailed, problem } from '../errors.js';
import type { ChangeBus } from '../events/change-bus.js';
import { isAccountId } from '../access/accounts.js';
import { READ_CACHE_TTL_MS, ReadCache } from '../read-cache.js';

export interface ApiKeyPermissions {
  endpoints: Record<string, string[]>;
}

export interface ApiKey {
  id: string;
  tenantId: string | null;
  permissions: ApiKeyPermissions;
  metaData: { attributes: Record<string, string> };
  keyManager: boolean;
  /** The account the key acts for: tenants it creates are that account's. */
  ownerId: string;
  insertInstant: number;
  lastUpdateInstant: number;
}

/** Returned once, on creation: the key's value beside its record. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface ApiKeyInput {
  id?: string;
  key?: string;
  tenantId?: string | null;
  permissions?: ApiKeyPermissions;
  metaData?: { attributes: Record<string, string> };
  keyManager?: boolean;
  /** On create: the account the key acts for. On update: must be the stored one (owners do not change). */
  ownerId?: string;
}

/** Endpoint permission check: an empty endpoint map is a superuser key. */
export function permits(key: Pick<ApiKey, 'permissions'>, method: string, path: string): boolean {
  const entries = Object.entries(key.permissions.endpoints);
  if (entries.length === 0) return true;
  const upper = method.toUpperCase();
  return entries.some(([endpoint, methods]) => {
    const matches = path === endpoint || path.startsWith(endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
    return matches && methods.map((m) => m.toUpperCase()).includes(upper === 'HEAD' ? 'GET' : upper);
  });
}

function toApiKey(record: ApiKeyRecord): ApiKey {
  const { keyHash: _hash, ...key } = record;
  return key;
}

export class ApiKeyService {
  /**
   * Keys by the hash of their value, for the look-up every request makes. Any API-key change,
   * and a tenant's deletion (it takes its locked keys along), here or on another instance,
   * clears it; the TTL is the backstop.
   */
  private readonly cache: ReadCache<ApiKey>;

  constructor(private readonly deps: { storage: Storage; changes: ChangeBus; now: () => number; cacheTtlMs?: number }) {
    this.cache = new ReadCache<ApiKey>({ ttlMs: deps.cacheTtlMs ?? READ_CACHE_TTL_MS, maxEntries: 10_000, now: deps.now });
    deps.changes.subscribe((event) => {
      if (event.type.startsWith('apiKey.') || event.type === 'tenant.deleted') this.cache.clear();
    });
  }

  /** The key a request presents, or undefined. Lookup is by hash, never by comparing secrets in JS. */
  async authenticate(value: string): Promise<ApiKey | undefined> {
    if (!value || value.length > 512) return undefined;
    const hash = sha256Hex(value);
    return this.cache.get(hash, async () => {
      const record = await this.deps.storage.apiKeys.findByHash(hash);
      return record && toApiKey(record);
    });
  }

  async create(input: ApiKeyInput & { ownerId: string }): Promise<CreatedApiKey> {
    const { storage } = this.deps;
    const problems = [];
    const key = input.key ?? newApiKeyValue();
    if (input.key !== undefined && input.key.length < 16) problems.push(problem('key', 'tooShort', 'An API key must be at least 16 characters.'));
    if (input.key !== undefined && input.key.length > 512) problems.push(problem('key', 'tooLong', 'An API key must be at most 512 characters.'));
    if (input.tenantId && !(await storage.tenants.find(input.tenantId))) problems.push(problem('tenantId', 'invalid', 'The tenant does not exist.'));
    if (input.tenantId && input.keyManager) problems.push(problem('keyManager', 'invalid', 'A tenant-locked key cannot manage other keys.'));
    if (!isAccountId(input.ownerId)) problems.push(problem('ownerId', 'invalid', 'An account id is 1–64 letters, digits and _ . : @ -.'));
    if (problems.length) throw new ValidationFailed(problems);
    const now = this.deps.now();
    const record: ApiKeyRecord = {
      id: input.id ?? crypto.randomUUID(),
      tenantId: input.tenantId ?? null,
      keyHash: sha256Hex(key),
      permissions: input.permissions ?? { endpoints: {} },
      metaData: input.metaData ?? { attributes: {} },
      keyManager: Boolean(input.keyManager),
      ownerId: input.ownerId,
      insertInstant: now,
      lastUpdateInstant: now,
    };
    try {
      await this.deps.changes.transaction(async (tx, emit) => {
        await tx.apiKeys.insert(record);
        await emit({ type: 'apiKey.created', apiKeyId: record.id, tenantId: record.tenantId });
      });
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      const idTaken = await storage.apiKeys.find(record.id);
      throw new ValidationFailed([idTaken ? problem('id', 'duplicate', 'An API key with this id already exists.') : problem('key', 'duplicate', 'This API key value is already in use.')]);
    }
    return { ...toApiKey(record), key };
  }

  async get(id: string): Promise<ApiKey> {
    const record = await this.deps.storage.apiKeys.find(id);
    if (!record) throw new NotFound('API key');
    return toApiKey(record);
  }

  async list(): Promise<ApiKey[]> {
    return (await this.deps.storage.apiKeys.list()).map(toApiKey);
  }

  async update(id: string, input: Omit<ApiKeyInput, 'id' | 'key'>): Promise<ApiKey> {
    const { storage } = this.deps;
    const record = await storage.apiKeys.find(id);
    if (!record) throw new NotFound('API key');
    const tenantId = input.tenantId === undefined ? record.tenantId : input.tenantId;
    if (tenantId && !(await storage.tenants.find(tenantId))) throw new ValidationFailed([problem('tenantId', 'invalid', 'The tenant does not exist.')]);
    if (input.ownerId !== undefined && input.ownerId !== record.ownerId) throw new ValidationFailed([problem('ownerId', 'invalid', 'The account a key acts for cannot change.')]);
    const keyManager = input.keyManager ?? record.keyManager;
    if (tenantId && keyManager) throw new ValidationFailed([problem('keyManager', 'invalid', 'A tenant-locked key cannot manage other keys.')]);
    const updated: ApiKeyRecord = {
      ...record,
      tenantId,
      permissions: input.permissions ?? { endpoints: {} },
      metaData: input.metaData ?? { attributes: {} },
      keyManager,
      lastUpdateInstant: this.deps.now(),
    };
    await this.deps.changes.transaction(async (tx, emit) => {
      await tx.apiKeys.update(updated);
      await emit({ type: 'apiKey.updated', apiKeyId: id, tenantId });
    });
    return toApiKey(updated);
  }

  async delete(id: string, callerId: string): Promise<void> {
    if (id === callerId) throw new ValidationFailed([], [{ code: '[inUse]apiKey', message: 'An API key cannot delete itself.' }]);
    const deleted = await this.deps.changes.transaction(async (tx, emit) => {
      const record = await tx.apiKeys.find(id);
      if (!record || !(await tx.apiKeys.delete(id))) return false;
      await emit({ type: 'apiKey.deleted', apiKeyId: id, tenantId: record.tenantId });
      return true;
    });
    if (!deleted) throw new NotFound('API key');
  }
}
