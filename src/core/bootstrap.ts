/**
 * First start: with an empty database, create the "Default" tenant (and its signing keys) and a
 * superuser API key of the operator account (core/access/accounts.ts) — TESSERA_API_KEY's value when given, else a random one that is returned to
 * be printed once. Later starts find the marker and change nothing; a TESSERA_API_KEY given then
 * that is not a stored key is reported (`apiKeyIgnored`) so the operator learns why it gets 401s.
 */
import type { Storage } from '../storage/contract.js';
import type { ApiKeyService } from './apikeys/api-key-service.js';
import type { TenantService } from './tenants/tenant-service.js';
import { defaultTenantSettings } from './tenants/settings.js';
import { OPERATOR_ACCOUNT_ID } from './access/accounts.js';

const MARKER = 'bootstrapped';

export interface BootstrapResult {
  /** The generated API key value, when one was generated (print it once). */
  generatedApiKey?: string;
  created: boolean;
  /** A key value was given, the database was already set up, and no stored key has that value. */
  apiKeyIgnored?: boolean;
}

export async function bootstrap(deps: {
  storage: Storage;
  tenants: TenantService;
  apiKeys: ApiKeyService;
  apiKeyValue: string | undefined;
  now: () => number;
}): Promise<BootstrapResult> {
  const done = await deps.storage.system.get(MARKER);
  if (done) return { created: false, ...(deps.apiKeyValue && !(await deps.apiKeys.authenticate(deps.apiKeyValue)) ? { apiKeyIgnored: true } : {}) };
  const existing = await deps.tenants.list({});
  if (!existing.some((t) => t.name === 'Default')) {
    await deps.tenants.create({}, { name: 'Default', slug: 'default', createdBy: OPERATOR_ACCOUNT_ID, settings: defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }) });
  }
  const created = await deps.apiKeys.create({
    ...(deps.apiKeyValue ? { key: deps.apiKeyValue } : {}),
    keyManager: true,
    ownerId: OPERATOR_ACCOUNT_ID,
    metaData: { attributes: { description: 'Superuser key created on first start' } },
  });
  await deps.storage.system.set(MARKER, String(deps.now()));
  return { created: true, ...(deps.apiKeyValue ? {} : { generatedApiKey: created.key }) };
}
