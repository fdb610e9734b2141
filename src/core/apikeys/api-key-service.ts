/**
 * API keys: stored as SHA-256 hashes, shown once on creation. A key may be locked to one
 * tenant, limited to endpoints/methods, and marked keyManager (may manage other keys).
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { newApiKeyValue, sha256Hex } from '../../crypto/secrets.js';
import { type ApiKeyRow, apiKeyStore } from '../../storage/api-keys.js';
import { isUniqueViolation } from '../../storage/executor.js';
import { tenantStore } from '../../storage/tenants.js';
import { NotFound, ValidationFailed, problem } from '../errors.js';
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

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    permissions: JSON.parse(row.permissions) as ApiKeyPermissions,
    metaData: JSON.parse(row.meta_data) as ApiKey['metaData'],
    keyManager: Boolean(row.key_manager),
    insertInstant: Number(row.insert_instant),
    lastUpdateInstant: Number(row.last_update_instant),
  };
}

export class ApiKeyService {
  /** Keys by the hash of their value, for the look-up every request makes; every write clears it. */
  private readonly cache: ReadCache<ApiKey>;

  constructor(private readonly deps: { db: Kysely<Database>; now: () => number }) {
    this.cache = new ReadCache<ApiKey>({ ttlMs: READ_CACHE_TTL_MS, maxEntries: 10_000, now: deps.now });
  }

  /** Forget every cached key (after keys were changed or deleted outside this service, e.g. with their tenant). */
  forgetCached(): void {
    this.cache.clear();
  }

  /** The key a request presents, or undefined. Lookup is by hash, never by comparing secrets in JS. */
  async authenticate(value: string): Promise<ApiKey | undefined> {
    if (!value || value.length > 512) return undefined;
    const hash = sha256Hex(value);
    return this.cache.get(hash, async () => {
      const row = await apiKeyStore.findByHash(this.deps.db, hash);
      return row && toApiKey(row);
    });
  }

  async create(input: ApiKeyInput, db: Kysely<Database> = this.deps.db): Promise<CreatedApiKey> {
    const problems = [];
    const key = input.key ?? newApiKeyValue();
    if (input.key !== undefined && input.key.length < 16) problems.push(problem('key', 'tooShort', 'An API key must be at least 16 characters.'));
    if (input.key !== undefined && input.key.length > 512) problems.push(problem('key', 'tooLong', 'An API key must be at most 512 characters.'));
    if (input.tenantId && !(await tenantStore.find(db, input.tenantId))) problems.push(problem('tenantId', 'invalid', 'The tenant does not exist.'));
    if (input.tenantId && input.keyManager) problems.push(problem('keyManager', 'invalid', 'A tenant-locked key cannot manage other keys.'));
    if (problems.length) throw new ValidationFailed(problems);
    const now = this.deps.now();
    const row: ApiKeyRow = {
      id: input.id ?? crypto.randomUUID(),
      tenant_id: input.tenantId ?? null,
      key_hash: sha256Hex(key),
      permissions: JSON.stringify(input.permissions ?? { endpoints: {} }),
      meta_data: JSON.stringify(input.metaData ?? { attributes: {} }),
      key_manager: input.keyManager ? 1 : 0,
      insert_instant: now,
      last_update_instant: now,
    };
    try {
      await apiKeyStore.insert(db, row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const idTaken = await apiKeyStore.find(db, row.id);
      throw new ValidationFailed([idTaken ? problem('id', 'duplicate', 'An API key with this id already exists.') : problem('key', 'duplicate', 'This API key value is already in use.')]);
    }
    return { ...toApiKey(row), key };
  }

  async get(id: string): Promise<ApiKey> {
    const row = await apiKeyStore.find(this.deps.db, id);
    if (!row) throw new NotFound('API key');
    return toApiKey(row);
  }

  async list(): Promise<ApiKey[]> {
    return (await apiKeyStore.list(this.deps.db)).map(toApiKey);
  }

  async update(id: string, input: Omit<ApiKeyInput, 'id' | 'key'>): Promise<ApiKey> {
    const row = await apiKeyStore.find(this.deps.db, id);
    if (!row) throw new NotFound('API key');
    const tenantId = input.tenantId === undefined ? row.tenant_id : input.tenantId;
    if (tenantId && !(await tenantStore.find(this.deps.db, tenantId))) throw new ValidationFailed([problem('tenantId', 'invalid', 'The tenant does not exist.')]);
    const keyManager = input.keyManager ?? Boolean(row.key_manager);
    if (tenantId && keyManager) throw new ValidationFailed([problem('keyManager', 'invalid', 'A tenant-locked key cannot manage other keys.')]);
    const updated: ApiKeyRow = {
      ...row,
      tenant_id: tenantId,
      permissions: JSON.stringify(input.permissions ?? { endpoints: {} }),
      meta_data: JSON.stringify(input.metaData ?? { attributes: {} }),
      key_manager: keyManager ? 1 : 0,
      last_update_instant: this.deps.now(),
    };
    await apiKeyStore.update(this.deps.db, updated);
    this.cache.clear();
    return toApiKey(updated);
  }

  async delete(id: string, callerId: string): Promise<void> {
    if (id === callerId) throw new ValidationFailed([], [{ code: '[inUse]apiKey', message: 'An API key cannot delete itself.' }]);
    const deleted = await apiKeyStore.delete(this.deps.db, id);
    this.cache.clear();
    if (!deleted) throw new NotFound('API key');
  }
}
