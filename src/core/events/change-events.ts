/**
 * Change events: what changed of the records other parts keep derived state of (read caches
 * today, the per-tenant OpenID provider pool next). Services publish them as part of the
 * transaction that makes the change; subscribers on this instance hear them right after the
 * commit, and instances sharing the database read them from the change feed (./change-feed-poller.ts).
 */
export type TenantChange = { type: 'tenant.created' | 'tenant.updated' | 'tenant.deleted'; tenantId: string };
/**
 * `key.rotated`: the key became its keystore's current key (a rotation, or a revocation of the
 * key before it); `key.revoked`: the key left its tenant's JWKS for good (core/keys/keystore-service.ts).
 */
export type KeyChange = { type: 'key.created' | 'key.updated' | 'key.rotated' | 'key.revoked' | 'key.deleted'; keyId: string; tenantId: string | null };
export type ApiKeyChange = { type: 'apiKey.created' | 'apiKey.updated' | 'apiKey.deleted'; apiKeyId: string; tenantId: string | null };
/** A tenant's OAuth client changed: the provider pool rebuilds that tenant's provider. */
export type ClientChange = { type: 'client.created' | 'client.updated' | 'client.deleted'; clientId: string; tenantId: string };

export type ChangeEvent = TenantChange | KeyChange | ApiKeyChange | ClientChange;
export type ChangeType = ChangeEvent['type'];

/** Where a delivered event comes from: this instance, or another through the feed. */
export type ChangeSource = 'local' | 'remote';

export type ChangeHandler = (event: ChangeEvent, source: ChangeSource) => void;

const TYPES: ReadonlySet<string> = new Set<ChangeType>([
  'tenant.created', 'tenant.updated', 'tenant.deleted',
  'key.created', 'key.updated', 'key.rotated', 'key.revoked', 'key.deleted',
  'apiKey.created', 'apiKey.updated', 'apiKey.deleted',
  'client.created', 'client.updated', 'client.deleted',
]);

/** A feed row back into an event; undefined for types this version does not know. */
export function changeFromFeed(type: string, payload: Record<string, unknown>): ChangeEvent | undefined {
  if (!TYPES.has(type)) return undefined;
  return { ...payload, type } as ChangeEvent;
}

export function isTenantChange(event: ChangeEvent): event is TenantChange {
  return event.type.startsWith('tenant.');
}
export function isKeyChange(event: ChangeEvent): event is KeyChange {
  return event.type.startsWith('key.');
}
export function isApiKeyChange(event: ChangeEvent): event is ApiKeyChange {
  return event.type.startsWith('apiKey.');
}
export function isClientChange(event: ChangeEvent): event is ClientChange {
  return event.type.startsWith('client.');
}
