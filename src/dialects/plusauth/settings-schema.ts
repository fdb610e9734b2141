/**
 * The PlusAuth tenant settings (seed 001) as TypeBox schemas: the PATCH body — every member
 * optional, held to the documented ranges, unknown members refused — and the object GET
 * answers, every member present. Ranges the seed gives are the seed's; where it gives none for
 * a list or a text, the bounds here are Tessera's (they keep a request's size sane).
 *
 * The ranges hold what is written through PlusAuth. A value another API stored outside them
 * (FusionAuth's default password maximum of 256, say) is shown as stored, and writing it back
 * unchanged through PlusAuth is refused like any other out-of-range value.
 */
import { Type } from 'typebox';
import { PLUSAUTH_API_VERSION } from './settings-mapping.js';

const Int = (minimum: number, maximum: number, description?: string) => Type.Integer({ minimum, maximum, ...(description ? { description } : {}) });
const Tokens = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' }), { maxItems: 50, description });
/** An absolute https/http URL, or "" for none (the core checks the URL itself). */
const UrlOrEmpty = (description: string) => Type.String({ maxLength: 2048, description: `${description}; "" for none` });
const HashFunction = Type.Union([Type.Literal('bcrypt'), Type.Literal('argon2'), Type.Literal('pbkdf2')], { description: 'The hash of new passwords (default bcrypt); argon2 is argon2id' });
const DeliveryMode = Type.Union([Type.Literal('ping'), Type.Literal('poll')]);
const EnvironmentVariables = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 100,
  propertyNames: { minLength: 1, maxLength: 128, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  description: 'Free-form values; on PATCH merged by name (null removes one)',
});
const IpOrRange = Type.String({ minLength: 2, maxLength: 49, pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$', description: 'An IPv4 or IPv6 address, or a CIDR range' });

const accountBlocking = {
  allow_user_unblock: Type.Boolean({ description: 'Users may unblock themselves by the link in the notification (default true)' }),
  allowed_attempts: Int(5, 250, 'Failed logins before the account is blocked (default 10)'),
  block_duration: Int(60, 630720000, 'Seconds the account stays blocked (default 630720000)'),
  duration: Int(60, 7776000, 'Seconds before the count starts again (default 7776000)'),
  enabled: Type.Boolean({ description: 'Default true' }),
  notification: Type.Boolean({ description: 'Email the user when the account is blocked (default true)' }),
  reset_after_success: Type.Boolean({ description: 'A successful login clears the count' }),
};
const bruteForce = {
  allowed_attempts: Int(5, 50, 'Failed logins from one address before it is blocked (default 10)'),
  block_duration: Int(60, 630720000, 'Seconds the address stays blocked (default 630720000)'),
  duration: Int(60, 7776000, 'Seconds before the count starts again (default 7776000)'),
  enabled: Type.Boolean({ description: 'Per-address blocking on or off' }),
  notification: Type.Boolean({ description: 'Stored; there is no user to mail about an address' }),
  white_list: Type.Array(IpOrRange, { maxItems: 1000, description: 'Addresses and ranges never counted nor blocked' }),
};
const ttl = {
  access_token: Int(30, 2592000),
  authorization_code: Int(30, 86400),
  backchannel_authentication_request: Int(30, 86400),
  client_credentials: Int(30, 2592000),
  device_code: Int(30, 86400),
  id_token: Int(30, 31536000),
  refresh_token: Int(300, 15552000),
  session: Int(600, 15552000),
};

/** PATCH /tenants/{tenant_id}/settings: any part; nested objects in part. */
export const PlusAuthSettingsPatchSchema = Type.Object(
  {
    acr_values: Type.Optional(Tokens('ACR values')),
    auto_sign_in: Type.Optional(Type.Boolean()),
    expose_unsafe_errors: Type.Optional(Type.Boolean()),
    extra_params: Type.Optional(Tokens('Extra authorization parameters')),
    extra_scopes: Type.Optional(Tokens('Extra scopes')),
    force_email_verification: Type.Optional(Type.Boolean()),
    forgot_password_enabled: Type.Optional(Type.Boolean()),
    hash_function: Type.Optional(HashFunction),
    register_enabled: Type.Optional(Type.Boolean()),
    tenant_login_url: Type.Optional(UrlOrEmpty('The login page to send users to')),
    welcome_emails_enabled: Type.Optional(Type.Boolean()),
    api_version: Type.Optional(Type.Literal(PLUSAUTH_API_VERSION)),
    default_strategy: Type.Optional(Type.String({ maxLength: 255 })),
    authenticator: Type.Optional(Type.Object({ bind_sim: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    ciba: Type.Optional(
      Type.Object({ delivery_mode: Type.Optional(DeliveryMode), notifier_endpoint: Type.Optional(UrlOrEmpty('Where ping-mode notifications go')) }, { additionalProperties: false }),
    ),
    environment_variables: Type.Optional(EnvironmentVariables),
    policies: Type.Optional(
      Type.Object(
        {
          account_blocking: Type.Optional(Type.Partial(Type.Object(accountBlocking, { additionalProperties: false }))),
          brute_force: Type.Optional(Type.Partial(Type.Object(bruteForce, { additionalProperties: false }))),
          password: Type.Optional(
            Type.Object(
              {
                custom_chars: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64, description: 'At least one of these characters' }), Type.Null()])),
                history: Type.Optional(Type.Union([Int(1, 10, 'Previous passwords a new one may not repeat; null: none'), Type.Null()])),
                lower_case: Type.Optional(Int(0, 32)),
                max: Type.Optional(Int(1, 128)),
                min: Type.Optional(Int(0, 128)),
                number: Type.Optional(Int(0, 32)),
                upper_case: Type.Optional(Int(0, 32)),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    ttl: Type.Optional(Type.Partial(Type.Object(ttl, { additionalProperties: false, description: 'Lifetimes in seconds' }))),
    user_self_deletion: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
  },
  { $id: 'PlusAuthSettingsPatch', additionalProperties: false },
);

const Seconds = Type.Integer({ description: 'seconds' });

/** The settings object as GET answers it: every member (values as stored, whichever API wrote them). */
export const PlusAuthSettingsSchema = Type.Object(
  {
    acr_values: Type.Array(Type.String()),
    auto_sign_in: Type.Boolean(),
    expose_unsafe_errors: Type.Boolean(),
    extra_params: Type.Array(Type.String()),
    extra_scopes: Type.Array(Type.String()),
    force_email_verification: Type.Boolean(),
    forgot_password_enabled: Type.Boolean(),
    hash_function: HashFunction,
    register_enabled: Type.Boolean(),
    tenant_login_url: Type.String(),
    welcome_emails_enabled: Type.Boolean(),
    api_version: Type.String(),
    default_strategy: Type.String(),
    authenticator: Type.Object({ bind_sim: Type.Boolean() }),
    ciba: Type.Object({ delivery_mode: DeliveryMode, notifier_endpoint: Type.String() }),
    environment_variables: Type.Record(Type.String(), Type.Unknown()),
    policies: Type.Object({
      account_blocking: Type.Object({
        allow_user_unblock: Type.Boolean(),
        allowed_attempts: Type.Integer(),
        block_duration: Seconds,
        duration: Seconds,
        enabled: Type.Boolean(),
        notification: Type.Boolean(),
        reset_after_success: Type.Boolean(),
      }),
      brute_force: Type.Object({ allowed_attempts: Type.Integer(), block_duration: Seconds, duration: Seconds, enabled: Type.Boolean(), notification: Type.Boolean(), white_list: Type.Array(Type.String()) }),
      password: Type.Object({
        custom_chars: Type.Optional(Type.String()),
        history: Type.Optional(Type.Integer()),
        lower_case: Type.Integer(),
        max: Type.Integer(),
        min: Type.Integer(),
        number: Type.Integer(),
        upper_case: Type.Integer(),
      }),
    }),
    ttl: Type.Object(Object.fromEntries(Object.keys(ttl).map((k) => [k, Seconds]))),
    user_self_deletion: Type.Object({ enabled: Type.Boolean() }),
  },
  { $id: 'PlusAuthSettings', description: "The tenant's settings" },
);
