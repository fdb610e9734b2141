import type { Generated } from 'kysely';

/**
 * The one storage schema, as Kysely sees it. Both back ends (SQLite, PostgreSQL) share it;
 * JSON documents are stored as text so the two behave identically, and instants are epoch ms.
 */
export interface TenantsTable {
  id: string;
  /** Immutable URL-safe handle used by the snake_case APIs and the issuer path. */
  slug: string;
  name: string;
  /** Active | PendingDelete */
  state: string;
  /** JSON: the core TenantSettings (see core/tenants/settings.ts). */
  settings: string;
  access_token_key_id: string;
  id_token_key_id: string;
  insert_instant: number;
  last_update_instant: number;
  /** The account whose key created the tenant (014). */
  created_by: string;
}

export interface KeysTable {
  id: string;
  /** The tenant the key was generated for; null for a global key. Deleted with its tenant. */
  tenant_id: string | null;
  name: string;
  algorithm: string;
  /** RSA | EC | OKP | HMAC */
  type: string;
  kid: string;
  length: number | null;
  issuer: string | null;
  public_key: string | null;
  certificate: string | null;
  /** JSON public JWK (asymmetric keys only). */
  public_jwk: string | null;
  /** Private key (PKCS#8 PEM) or HMAC secret, AES-256-GCM encrypted with the master key. */
  secret_encrypted: string | null;
  insert_instant: number;
  expiration_instant: number | null;
  rotated_instant: number | null;
  revoked_instant: number | null;
  /** next | current | previous | revoked for a key in its tenant's keystore; null outside (008). */
  keystore_state: string | null;
}

export interface ApiKeysTable {
  id: string;
  /** A tenant-locked key can only see and change that tenant's objects. */
  tenant_id: string | null;
  /** SHA-256 (hex) of the key's value; the value itself is never stored. */
  key_hash: string;
  /** JSON: { endpoints: { "/api/x": ["GET", ...] } }; empty means a superuser key. */
  permissions: string;
  /** JSON: FusionAuth metaData ({ attributes: {...} }). */
  meta_data: string;
  /** May manage other API keys (FusionAuth keyManager): 1 or 0. */
  key_manager: number;
  insert_instant: number;
  last_update_instant: number;
  /** The account the key acts for (014). */
  owner_id: string;
}

export interface SystemStateTable {
  name: string;
  value: string;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string | null;
  username_lower: string | null;
  email: string | null;
  email_lower: string | null;
  is_disabled: number;
  is_verified: number;
  locale: string | null;
  /** JSON array of role names. */
  roles: string;
  external_id: string | null;
  /** JSON object: free-form user data. */
  data: string;
  password_scheme: string | null;
  password_factor: number | null;
  password_salt: string | null;
  password_hash: string | null;
  password_changed_at: number | null;
  password_change_required: number;
  created_at: number;
  updated_at: number;
}

export interface PasswordHistoryTable {
  /** Null only on rows older than migration 006 whose user was gone (none are read). */
  tenant_id: string | null;
  user_id: string;
  scheme: string;
  factor: number;
  salt: string | null;
  hash: string;
  created_at: number;
}

export interface LoginFailuresTable {
  tenant_id: string;
  /** 'user' | 'ip' */
  kind: string;
  subject: string;
  failed_count: number;
  window_started_at: number;
  blocked_until: number | null;
  blocked_at: number | null;
  /** Blocks so far without a success in between: the next block is initial × 2^block_count. */
  block_count: number;
}

export interface OneTimeIdsTable {
  /** SHA-256 (hex) of the id: the id itself is only ever in the email or the API response. */
  id_hash: string;
  tenant_id: string;
  user_id: string;
  /** changePassword | emailVerification | setupPassword */
  purpose: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface EmailTemplatesTable {
  id: string;
  name: string;
  default_subject: string;
  default_text_template: string;
  default_html_template: string;
  from_email: string | null;
  default_from_name: string | null;
  insert_instant: number;
  last_update_instant: number;
}

export interface TenantUserCountsTable {
  tenant_id: string;
  user_count: number;
}

export interface ChangeEventsTable {
  seq: Generated<number>;
  /** The instance that made the change. */
  origin: string;
  type: string;
  /** JSON */
  payload: string;
  at: number;
}

export interface ClientsTable {
  tenant_id: string;
  client_id: string;
  name: string;
  /** JSON arrays. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  allowed_scopes: string;
  token_endpoint_auth_method: string;
  client_type: string;
  /** SHA-256 (hex) of the secret; null for public clients. */
  secret_hash: string | null;
  is_locked: number;
  signing_alg: string;
  /** JSON `{type, issuer}` or null. */
  flow: string | null;
  logo_uri: string | null;
  client_uri: string | null;
  client_logout_uri: string | null;
  policy_uri: string | null;
  tos_uri: string | null;
  user_agreement_uri: string | null;
  register_enabled: number;
  tenant_name: string | null;
  /** 1: a third-party client, which asks the user's consent (migration 013). */
  consent_required: number;
  created_at: number;
  updated_at: number;
}

export interface OidcModelsTable {
  tenant_id: string;
  model: string;
  id: string;
  /** JSON: the engine's payload. */
  payload: string;
  grant_id: string | null;
  /** The user it was issued to (migration 011). */
  account_id: string | null;
  uid: string | null;
  user_code: string | null;
  /** Epoch seconds; null: no expiry. */
  expires_at: number | null;
  consumed_at: number | null;
}

export interface SessionsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  /** The OpenID Provider session's uid (migration 012). */
  engine_uid: string;
  created_at: number;
  expires_at: number;
  /** JSON: the client at sign-in, at the last token issue, at the last use. */
  created: string;
  token_issue: string | null;
  last_access: string | null;
}

export interface SessionGrantsTable {
  tenant_id: string;
  session_id: string;
  grant_id: string;
}

export interface Database {
  sessions: SessionsTable;
  session_grants: SessionGrantsTable;
  oidc_models: OidcModelsTable;
  clients: ClientsTable;
  change_events: ChangeEventsTable;
  tenants: TenantsTable;
  keys: KeysTable;
  api_keys: ApiKeysTable;
  system_state: SystemStateTable;
  users: UsersTable;
  password_history: PasswordHistoryTable;
  login_failures: LoginFailuresTable;
  one_time_ids: OneTimeIdsTable;
  email_templates: EmailTemplatesTable;
  tenant_user_counts: TenantUserCountsTable;
}
