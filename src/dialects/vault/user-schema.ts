/**
 * The Vault service's user (seed 004), as TypeBox schemas that validate requests, type the
 * routes and feed the OpenAPI document. Beyond the seed: an optional `password` on create, or
 * an imported hash (`encryption_scheme`, `factor`, `salt`, `hash`) for migrations.
 */
import { Type, type Static } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const USERNAME_PATTERN = '^[a-zA-Z0-9_.@-]+$';

export const VaultUserInputSchema = Type.Object(
  {
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })),
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
  { $id: 'VaultUserInput' },
);
export type VaultUserInput = Static<typeof VaultUserInputSchema>;

export const VaultBatchDeleteSchema = Type.Object(
  { users_ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10000 }) },
  { $id: 'VaultBatchDeleteUsers' },
);

export const VaultUserListQuerySchema = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 128 })),
  email: Type.Optional(Type.String({ maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  sort_direction: Type.Optional(Type.Integer({ enum: [-1, 1] })),
  sort_by: Type.Optional(Type.Enum(['created_at', 'username', 'email'])),
});
export type VaultUserListQuery = Static<typeof VaultUserListQuerySchema>;
