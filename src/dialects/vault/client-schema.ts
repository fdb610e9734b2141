/**
 * The Vault service's OAuth client (seed 004: Read/Create/Update Client, Get Client, Get Client
 * Tenant) as TypeBox schemas: they validate requests, type the routes and feed the OpenAPI
 * document. Wire names are the seed's, `sing_alg` (sic) and `patter_size` (sic) included. The
 * limits come from the core's rules (src/core/clients), which check them again.
 */
import { Type, type Static } from 'typebox';
import {
  CLIENT_ID_PATTERN,
  MAX_CLIENT_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SCOPES,
  MAX_SCOPE_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_URIS,
} from '../../core/clients/client-service.js';
import { MAX_URI_LENGTH } from '../../core/clients/uris.js';
import { MAX_OFFSET, TenantRef } from './user-schema.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const ClientId = Type.String({ minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH, pattern: CLIENT_ID_PATTERN.source, description: 'Letters, digits and . _ ~ -' });
const Uri = Type.String({ minLength: 1, maxLength: MAX_URI_LENGTH });
const Uris = (description: string) => Type.Array(Uri, { maxItems: MAX_URIS, description });
const DisplayUrl = (description: string) => Type.Optional(Nullable(Type.String({ maxLength: MAX_URI_LENGTH, description })));
const AuthMethod = Type.Union([Type.Literal('client_secret_post'), Type.Literal('client_secret_basic'), Type.Literal('none')], {
  description: 'Default: none for a public client, client_secret_post for a confidential one',
});
const ClientType = Type.Union([Type.Literal('public'), Type.Literal('confidential')], { description: 'Default: confidential' });
const SingAlg = Type.Union([Type.Literal('RS256'), Type.Literal('EdDSA')], { description: 'The ID token signing algorithm (the seed spells it sing_alg). Default: EdDSA' });
const Flow = Type.Object({ type: Type.String({ minLength: 1, maxLength: 64 }), issuer: Type.Optional(Nullable(Type.String({ maxLength: MAX_URI_LENGTH }))) });

const CONSENT_REQUIRED =
  'Tessera extension. true: a third-party client — the hosted consent page lists the scopes it asks for, and the user allows or denies them (remembered per sign-in session by the grant). Default false: a first-party client, whose requested scopes are granted without asking';

const REDIRECT_RULE = 'absolute, exact-match: https, http only for localhost/127.0.0.1/[::1], or a reverse-DNS private-use scheme (com.example.app:/cb); no fragment, wildcard or userinfo';

export const VaultClientInputSchema = Type.Object(
  {
    client_id: ClientId,
    name: Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH }),
    tenant_id: TenantRef,
    redirect_uris: Type.Optional(Uris(`Redirect URIs: ${REDIRECT_RULE}`)),
    post_logout_redirect_uri: Type.Optional(Uris(`Post-logout redirect URIs, as redirect_uris`)),
    allowed_scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_SCOPE_LENGTH }), { maxItems: MAX_SCOPES, description: 'Default: ["openid"]' })),
    token_endpoint_auth_method: Type.Optional(AuthMethod),
    logo_uri: DisplayUrl('https or http URL'),
    op_policy_url: DisplayUrl('https or http URL'),
    op_tos_url: DisplayUrl('https or http URL'),
    op_user_agreement_url: DisplayUrl('https or http URL'),
    client_uri: DisplayUrl('https or http URL'),
    client_logout_uri: DisplayUrl('https or http URL'),
    register_enable: Type.Optional(Type.Boolean()),
    tenant_name: Type.Optional(Nullable(Type.String({ maxLength: MAX_NAME_LENGTH }))),
    client_secret: Type.Optional(
      Nullable(Type.String({ maxLength: MAX_SECRET_LENGTH, description: 'At least 32 characters; generated on create when left out (confidential clients). On replace, left out keeps the stored one' })),
    ),
    client_type: Type.Optional(ClientType),
    is_lock: Type.Optional(Type.Boolean({ description: 'A locked client obtains no tokens' })),
    sing_alg: Type.Optional(SingAlg),
    flow: Type.Optional(Type.Union([Flow, Type.Null()])),
    consent_required: Type.Optional(Type.Boolean({ description: CONSENT_REQUIRED })),
  },
  { $id: 'VaultClientInput' },
);
export type VaultClientInput = Static<typeof VaultClientInputSchema>;

export const VaultClientListQuery = Type.Object({
  tenant_id: TenantRef,
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
  limit: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 500 })),
});
export type VaultClientListQuery = Static<typeof VaultClientListQuery>;

export const VaultTenantQuery = Type.Object({ tenant_id: TenantRef });
export const VaultClientQuery = Type.Object({ client_id: ClientId, tenant_id: TenantRef });
export const VaultClientParams = Type.Object({ client_id: ClientId });

// ---- responses -------------------------------------------------------------------------------

const OrNull = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const publicFields = {
  client_id: Type.String(),
  name: Type.String(),
  tenant_id: Type.String({ description: "The tenant's slug" }),
  logo_uri: OrNull(Type.String()),
  op_policy_url: OrNull(Type.String()),
  op_tos_url: OrNull(Type.String()),
  op_user_agreement_url: OrNull(Type.String()),
  client_uri: OrNull(Type.String()),
  client_logout_uri: OrNull(Type.String()),
  register_enable: Type.Boolean(),
  tenant_name: OrNull(Type.String()),
};

export const VaultClient = Type.Object(
  {
    ...publicFields,
    redirect_uris: Type.Array(Type.String()),
    post_logout_redirect_uri: Type.Array(Type.String()),
    allowed_scopes: Type.Array(Type.String()),
    token_endpoint_auth_method: Type.String(),
    client_secret: OrNull(Type.String({ description: 'Only in the create answer; null everywhere else' })),
    client_type: Type.String(),
    is_lock: Type.Boolean(),
    sing_alg: Type.String(),
    flow: Type.Union([Type.Object({ type: Type.String(), issuer: OrNull(Type.String()) }), Type.Null()]),
    consent_required: Type.Boolean({ description: 'Tessera extension: the hosted consent page is shown for this client' }),
  },
  { description: 'The client' },
);

export const VaultCreatedClient = Type.Object(VaultClient.properties, { description: 'Created: the client, with its secret (shown this once; null for a public client)' });
export const VaultClientList = Type.Object({ clients: Type.Array(VaultClient) }, { description: "A page of the tenant's clients, oldest first" });

/** What anyone may read of a client: what a login page shows. */
export const VaultPublicClient = Type.Object(
  { ...publicFields, has_profile: Type.Boolean({ description: 'Always false: Tessera has no profile forms yet' }) },
  { description: 'The public part of the client' },
);

const LivenessConfig = Type.Object({
  number_steps_min: Type.Integer(),
  number_steps_max: Type.Integer(),
  duration_in_seconds: Type.Integer(),
  number_of_allowed_failures: Type.Integer(),
  gesture_set: Type.Array(Type.String()),
  number_blinks_max: Type.Integer(),
  number_blinks_min: Type.Integer(),
});

export const VaultPublicClientTenant = Type.Object(
  {
    client: VaultPublicClient,
    tenant: Type.Object({
      tenant_id: Type.String({ description: "The tenant's slug" }),
      register_enable: Type.Boolean(),
      use_pin: Type.Boolean(),
      pin_size: Type.Integer(),
      use_pattern: Type.Boolean(),
      patter_size: Type.Integer({ description: 'The pattern size (the seed spells it patter_size)' }),
      use_face_recognition: Type.Boolean(),
      use_liveness: Type.Boolean(),
      display_name: Type.String(),
      show_pin_when_typing: Type.Boolean(),
      login_order: Type.Array(Type.String()),
      passkey_enabled: Type.Boolean(),
      has_username_and_email: Type.Boolean(),
      liveness_config: Type.Union([LivenessConfig, Type.Null()]),
    }),
  },
  { description: "The public part of the client and its tenant's login settings" },
);
