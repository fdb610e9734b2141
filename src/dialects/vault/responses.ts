/**
 * Vault response bodies as TypeBox schemas, for the OpenAPI document, and `vaultOperation`,
 * which gives a Vault route its summary, tag and responses (errors in the FastAPI shape).
 */
import { Type } from 'typebox';
import { type Operation, operationSchema } from '../../http/operation.js';
import { KeystoreEntry, PublicJwk } from '../keystore-json.js';

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

export const VaultKeystore = Type.Object(
  {
    tenant_id: Type.String({ description: "The tenant's slug" }),
    keystore: Type.Array(KeystoreEntry, { description: 'Every key, oldest first' }),
    keys: Type.Array(PublicJwk, { description: 'The public JWKS: current keys first, then next, then previous' }),
  },
  { description: "The tenant's keystore" },
);

/** One of the three moments a session records: its client then. */
const sessionAccess = (description: string) =>
  Type.Object(
    {
      at: DateTime,
      ip: Type.Union([Type.String(), Type.Null()], { description: 'The client address (TRUST_PROXY decides whether X-Forwarded-For is believed)' }),
      country: Type.Union([Type.String({ pattern: '^[A-Z]{2}$' }), Type.Null()], { description: 'ISO 3166-1 alpha-2, from the IP-to-country database; null for private and unknown addresses' }),
      user_agent: Type.Union([Type.String(), Type.Null()]),
      user_agent_parsed: Type.Object({
        browser: Type.Object({ family: Type.String({ description: '"Other" when unknown' }), version: Type.Union([Type.String(), Type.Null()]) }),
        os: Type.Object({ family: Type.String(), version: Type.Union([Type.String(), Type.Null()]) }),
        device: Type.Object({ family: Type.String(), brand: Type.Union([Type.String(), Type.Null()]), model: Type.Union([Type.String(), Type.Null()]) }),
        is_mobile: Type.Boolean(),
        is_tablet: Type.Boolean(),
        is_pc: Type.Boolean(),
        is_bot: Type.Boolean({ description: 'The User-Agent names a crawler or a scripted client (a list of markers: a heuristic)' }),
      }),
    },
    { description },
  );

export const VaultSession = Type.Object(
  {
    session_id: Type.String(),
    user_id: Type.String(),
    tenant_id: Type.String({ description: "The tenant's slug" }),
    created: sessionAccess('The sign-in'),
    expires_at: DateTime,
    token_issue: Type.Union([sessionAccess('The last token issue (code exchange or refresh)'), Type.Null()], { description: 'null before the first token issue' }),
    last_access: Type.Union([sessionAccess('The last use: sign-in, authorization, userinfo or refresh'), Type.Null()]),
  },
  { description: 'A sign-in session' },
);

export const VaultSessionList = Type.Object({ sessions: Type.Array(VaultSession), total: Type.Integer() }, { description: "The user's live sessions, newest first" });
