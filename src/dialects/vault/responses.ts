/**
 * Vault response bodies as TypeBox schemas, for the OpenAPI document, and `vaultOperation`,
 * which gives a Vault route its summary, tag and responses (errors in the FastAPI shape).
 */
import { Type } from 'typebox';
import { type Operation, operationSchema } from '../../http/operation.js';

const Detail = Type.Object({
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()]), { description: 'body, query, path or header, then the field path' }),
  msg: Type.String(),
  type: Type.String(),
});
const ValidationError = Type.Object({ detail: Type.Array(Detail) }, { description: 'The request was refused: one entry per field at fault' });
const message = (description: string) => Type.Object({ detail: Type.String() }, { description });

const ERROR_BODIES: Record<number, object> = {
  401: message('No API key, or a wrong one'),
  403: message("The API key may not do this, or not for this tenant; or the tenant's plan does not allow it (the detail names the limit and the plan)"),
  404: message('The tenant, or the object, does not exist'),
  413: message('The body is larger than the limit'),
  415: message('The body is not application/json'),
  422: ValidationError,
  500: message('The server failed'),
  503: message('A service the call needs is unavailable'),
};

/**
 * Every Vault route resolves a tenant (404 always applies); every one but the anonymous ones
 * authenticates, so 401 and 403 apply too.
 */
export function vaultOperation(op: Omit<Operation, 'errors'> & { errors?: number[] }) {
  const always = op.anonymous ? [404] : [401, 403, 404];
  return operationSchema({ ...op, errors: [...always, ...(op.errors ?? [])] }, (status) => ERROR_BODIES[status] ?? message(`Error ${status}`));
}

const DateTime = Type.String({ format: 'date-time' });
const OrNull = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const VaultUser = Type.Object(
  {
    user_id: Type.String(),
    username: OrNull(Type.String()),
    email: OrNull(Type.String()),
    tenant_id: Type.String({ description: "The tenant's slug" }),
    is_disabled: Type.Boolean(),
    is_verified: Type.Boolean(),
    created_at: DateTime,
    updated_at: DateTime,
    locale: OrNull(Type.String()),
    roles: Type.Array(Type.String()),
    external_id: OrNull(Type.String()),
  },
  { additionalProperties: true, description: 'The user' },
);

const page = <T extends object>(item: T, description: string) =>
  Type.Object({ data: Type.Array(item as never), has_next: Type.Boolean(), total_count: Type.Integer() }, { description });

export const VaultUserPage = page(VaultUser, 'A page of users');

export const VaultBatchResult = Type.Object(
  {
    success_created_count: Type.Integer(),
    fail_create_usernames: Type.Array(Type.String()),
    duplicate_usernames: Type.Array(Type.String()),
  },
  { description: 'Created: how many, and which usernames were refused or already taken' },
);

const BlockedIp = Type.Object({ ip: Type.String(), tenant_id: Type.String(), blocked_at: DateTime, block_time_seconds: Type.Integer() });
const BlockedUser = Type.Object({
  user_id: Type.String(),
  username: OrNull(Type.String()),
  email: OrNull(Type.String()),
  tenant_id: Type.String(),
  blocked_at: DateTime,
  block_time_seconds: Type.Integer(),
});
export const BlockedIpPage = page(BlockedIp, 'A page of blocked IP addresses');
export const BlockedUserPage = page(BlockedUser, 'A page of blocked users');

/** A public JWK as a keystore publishes it (RFC 7517; x5c/x5t from the key's self-signed certificate). */
const PublicJwk = Type.Object(
  {
    kty: Type.String({ description: 'RSA, EC or OKP' }),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.String({ description: 'sig' }),
    key_ops: Type.Array(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String()),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    x5c: Type.Optional(Type.Array(Type.String(), { description: 'The self-signed certificate, base64 DER' })),
    x5t: Type.Optional(Type.String({ description: 'SHA-1 of the certificate DER, base64url' })),
    'x5t#S256': Type.Optional(Type.String({ description: 'SHA-256 of the certificate DER, base64url' })),
  },
  { additionalProperties: true },
);

const Epoch = (description: string) => Type.Integer({ description: `${description}, milliseconds since the epoch` });

/** One key of a keystore, as seed 000's `keystore[]` has it, plus its state. */
const KeystoreEntry = Type.Object({
  key: PublicJwk,
  state: Type.Union([Type.Literal('next'), Type.Literal('current'), Type.Literal('previous'), Type.Literal('revoked')]),
  created_at: Epoch('Created'),
  rotated_at: Type.Optional(Epoch('Left the current state (rotated out or revoked while current)')),
  revoked_at: Type.Optional(Epoch('Revoked')),
  published: Type.Boolean({ description: 'In the JWKS now: next and current keys, previous keys within the grace period' }),
});

export const VaultKeystore = Type.Object(
  {
    tenant_id: Type.String({ description: "The tenant's slug" }),
    keystore: Type.Array(KeystoreEntry, { description: 'Every key, oldest first' }),
    keys: Type.Array(PublicJwk, { description: 'The public JWKS: current keys first, then next, then previous' }),
  },
  { description: "The tenant's keystore" },
);
