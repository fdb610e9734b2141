/**
 * The Vault service's tenant (seed 004) as TypeBox schemas: Create Tenant and Update Tenant
 * bodies (wire names as the seed spells them, `patter_size` included) and the tenant Read
 * Tenant and the list answer. The seed documents defaults but no ranges: the bounds here are
 * Tessera's, chosen so every documented default is inside them (docs/tenant-model.md).
 */
import { Type } from 'typebox';
import { SLUG_PATTERN } from '../../core/tenants/slug.js';

const Int = (minimum: number, maximum: number, description: string) => Type.Integer({ minimum, maximum, description });
const MAX_INT = 2147483647;

const blockConfig = {
  ip_attempts_limit: Int(1, MAX_INT, 'Failed logins from one address before it is blocked (default 5)'),
  ip_attempts_reset_minutes: Int(1, MAX_INT, 'Minutes before an address’s count starts again (default 10080)'),
  user_attempts_limit: Int(1, MAX_INT, 'Failed logins before a user is blocked (default 15)'),
  user_timeframe_seconds: Int(1, MAX_INT, 'Seconds before a user’s count starts again (default 300)'),
  initial_block_seconds: Int(1, MAX_INT, 'The first block, in seconds; each further one doubles (default 60)'),
  max_block_time_minutes: Int(1, MAX_INT, 'The longest block, in minutes (default 2880); at least the first block'),
};
const BlockConfigInput = Type.Object(Object.fromEntries(Object.entries(blockConfig).map(([k, v]) => [k, Type.Optional(v)])), {
  description: 'Per-user and per-IP blocking; members left out take their defaults',
});

const livenessConfig = {
  number_steps_min: Int(1, 100, 'Default 4'),
  number_steps_max: Int(1, 100, 'Default 6; at least number_steps_min'),
  duration_in_seconds: Int(1, 3600, 'Default 10'),
  number_of_allowed_failures: Int(0, 100, 'Default 1'),
  gesture_set: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64, description: 'Default []' }),
  number_blinks_max: Int(0, 100000, 'Default 0'),
  number_blinks_min: Int(0, 100000, 'Default 10000 (above the maximum’s default: as seed 004 documents them)'),
};
const LivenessConfigInput = Type.Object(Object.fromEntries(Object.entries(livenessConfig).map(([k, v]) => [k, Type.Optional(v)])), {
  description: 'Liveness checks; members left out take their defaults',
});

const LoginOrder = Type.Array(Type.Union([Type.Literal('PIN'), Type.Literal('PATTERN')]), { uniqueItems: true, maxItems: 2, description: 'Default ["PIN"]' });

export const VAULT_TENANT_ID = Type.String({ minLength: 1, maxLength: 64, pattern: SLUG_PATTERN.source, description: "The tenant's identifier (its slug): lowercase letters, digits and inner hyphens, not a reserved path segment" });

const fields = {
  register_enable: Type.Optional(Type.Boolean({ description: 'Self-service registration (default false)' })),
  use_pin: Type.Optional(Type.Boolean({ description: 'Default true' })),
  pin_size: Type.Optional(Int(4, 12, 'Default 6')),
  use_pattern: Type.Optional(Type.Boolean({ description: 'Default true' })),
  patter_size: Type.Optional(Int(3, 9, 'The pattern size (the seed spells it patter_size); default 3')),
  use_face_recognition: Type.Optional(Type.Boolean({ description: 'Default false' })),
  use_liveness: Type.Optional(Type.Boolean({ description: 'Default false' })),
  show_pin_when_typing: Type.Optional(Type.Boolean({ description: 'Default true' })),
  block_config: Type.Optional(Type.Union([BlockConfigInput, Type.Null()])),
  login_order: Type.Optional(Type.Union([LoginOrder, Type.Null()])),
  passkey_enabled: Type.Optional(Type.Boolean({ description: 'Default false' })),
  has_username_and_email: Type.Optional(Type.Boolean({ description: 'Default true' })),
  liveness_config: Type.Optional(Type.Union([LivenessConfigInput, Type.Null()], { description: 'Default null (none)' })),
};
const DisplayName = Type.String({ maxLength: 191, description: 'The tenant’s name; "" (the default) names it after its tenant_id' });

export const VaultCreateTenantSchema = Type.Object(
  {
    tenant_id: VAULT_TENANT_ID,
    is_2fa: Type.Optional(Type.Boolean({ description: 'A second factor is required (default false)' })),
    display_name: Type.Optional(DisplayName),
    ...fields,
  },
  { $id: 'VaultCreateTenant' },
);

export const VaultUpdateTenantSchema = Type.Object(
  {
    display_name: DisplayName,
    tenant_id: Type.Optional(Type.String({ maxLength: 64, description: 'When given, the tenant in the path (a tenant_id never changes)' })),
    is_2fa: Type.Optional(Type.Boolean({ description: 'Not in seed 004’s Update Tenant: kept when left out' })),
    ...fields,
  },
  { $id: 'VaultUpdateTenant' },
);

// ---- responses -------------------------------------------------------------------------------

const BlockConfig = Type.Object(Object.fromEntries(Object.keys(blockConfig).map((k) => [k, Type.Integer()])));
const LivenessConfig = Type.Object({
  number_steps_min: Type.Integer(),
  number_steps_max: Type.Integer(),
  duration_in_seconds: Type.Integer(),
  number_of_allowed_failures: Type.Integer(),
  gesture_set: Type.Array(Type.String()),
  number_blinks_max: Type.Integer(),
  number_blinks_min: Type.Integer(),
});

export const VaultTenant = Type.Object(
  {
    tenant_id: Type.String({ description: "The tenant's slug" }),
    register_enable: Type.Boolean(),
    is_2fa: Type.Boolean(),
    use_pin: Type.Boolean(),
    pin_size: Type.Integer(),
    use_pattern: Type.Boolean(),
    patter_size: Type.Integer(),
    use_face_recognition: Type.Boolean(),
    use_liveness: Type.Boolean(),
    display_name: Type.String(),
    show_pin_when_typing: Type.Boolean(),
    block_config: BlockConfig,
    login_order: Type.Array(Type.String()),
    passkey_enabled: Type.Boolean(),
    has_username_and_email: Type.Boolean(),
    liveness_config: Type.Union([LivenessConfig, Type.Null()]),
  },
  { $id: 'VaultTenant', description: 'The tenant' },
);

export const VaultTenantList = Type.Object({ tenants: Type.Array(VaultTenant) }, { description: 'The tenants this API key reaches, oldest first' });
