/**
 * The Vault service's user (seed 004), as TypeBox schemas that validate requests, type the
 * routes and feed the OpenAPI document. Beyond the seed: an optional `password` on create, or
 * an imported hash (`encryption_scheme`, `factor`, `salt`, `hash`) for migrations.
 */
import { Type, type Static } from 'typebox';
import { PASSWORD_SCHEMES } from '../../crypto/passwords/index.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const USERNAME_PATTERN = '^[a-zA-Z0-9_.@-]+$';
export const USER_ID_PATTERN = '^[A-Za-z0-9_.:-]+$';
/** Text PostgreSQL can hold (no NUL), for query parameters that reach SQL. */
const NO_NUL = '^[^\\u0000]*$';

/**
 * An imported hash's factor is held to its scheme's range (bcrypt's cost is 4–31: the factor
 * is written into the modular-crypt string that every later login verifies against).
 */
const factorForScheme = Object.entries(PASSWORD_SCHEMES).map(([scheme, hasher]) => ({
  if: { required: ['encryption_scheme', 'factor'], properties: { encryption_scheme: { const: scheme } } },
  then: { properties: { factor: scheme === 'bcrypt' ? { minimum: hasher.factorRange[0], maximum: hasher.factorRange[1] } : { maximum: hasher.factorRange[1] } } },
}));

export const VaultUserInputSchema = Type.Object(
  {
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: USER_ID_PATTERN })),
    username: Type.String({ minLength: 1, maxLength: 128, pattern: USERNAME_PATTERN }),
    email: Type.String({ format: 'email', maxLength: 320 }),
    tenant_id: Type.Optional(Type.String({ maxLength: 64 })),
    is_disabled: Type.Optional(Type.Boolean()),
    is_verified: Type.Optional(Type.Boolean()),
    created_at: Type.Optional(Type.String({ format: 'date-time' })),
    updated_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    locale: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    roles: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 200 }), Type.Null()])),
    external_id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    encryption_scheme: Type.Optional(Type.String({ maxLength: 64 })),
    factor: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    salt: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    hash: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { $id: 'VaultUserInput', allOf: factorForScheme },
);
export type VaultUserInput = Static<typeof VaultUserInputSchema>;

export const VaultBatchDeleteSchema = Type.Object(
  { users_ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10000 }) },
  { $id: 'VaultBatchDeleteUsers' },
);

/** No page starts past this: a tenant holds far fewer users, and SQL offsets are 64-bit. */
export const MAX_OFFSET = 1_000_000_000;

export const VaultUserListQuerySchema = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 128, pattern: NO_NUL })),
  email: Type.Optional(Type.String({ maxLength: 128, pattern: NO_NUL })),
  limit: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
  sort_direction: Type.Optional(Type.Integer({ enum: [-1, 1] })),
  sort_by: Type.Optional(Type.Enum(['created_at', 'username', 'email'])),
});
export type VaultUserListQuery = Static<typeof VaultUserListQuerySchema>;

/** `{tenant_id}`: a slug or a UUID (either case). */
export const TenantRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
export const VaultTenantParams = Type.Object({ tenant_id: TenantRef });
export const VaultUserParams = Type.Object({ tenant_id: TenantRef, user_id: Type.String({ minLength: 1, maxLength: 64, pattern: USER_ID_PATTERN }) });
export const VaultUsernameParams = Type.Object({ tenant_id: TenantRef, username: Type.String({ minLength: 1, maxLength: 128, pattern: USERNAME_PATTERN }) });
/** A blocked IP as the block list shows it: IPv4 or IPv6 text. */
export const VaultBlockedIpParams = Type.Object({ tenant_id: TenantRef, ip: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+$' }) });
