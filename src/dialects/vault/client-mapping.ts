/**
 * Vault client JSON (snake_case, seed 004) ⇄ the core's client. The admin shape carries every
 * field (`client_secret` only in the create answer); the public shapes carry only what a login
 * page shows, and for Get Client Tenant the tenant's login settings.
 */
import type { Client, ClientInput } from '../../core/clients/client-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { VaultClientInput } from './client-schema.js';

export { toPublicTenant } from './tenant-mapping.js';

const WIRE_NAMES: Record<string, string> = {
  clientId: 'client_id',
  redirectUris: 'redirect_uris',
  postLogoutRedirectUris: 'post_logout_redirect_uri',
  allowedScopes: 'allowed_scopes',
  tokenEndpointAuthMethod: 'token_endpoint_auth_method',
  clientType: 'client_type',
  secret: 'client_secret',
  signingAlg: 'sing_alg',
  logoUri: 'logo_uri',
  clientUri: 'client_uri',
  clientLogoutUri: 'client_logout_uri',
  policyUri: 'op_policy_url',
  tosUri: 'op_tos_url',
  userAgreementUri: 'op_user_agreement_url',
  registerEnabled: 'register_enable',
  tenantName: 'tenant_name',
  consentRequired: 'consent_required',
};

/** Core field paths (`redirectUris[2]`, `flow.issuer`) → the wire's (`redirect_uris[2]`). */
export function clientErrorFields(field: string): string {
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? field;
  return (WIRE_NAMES[head] ?? head) + field.slice(head.length);
}

export function toClientInput(body: VaultClientInput): ClientInput {
  const input: ClientInput = { clientId: body.client_id, name: body.name };
  if (body.redirect_uris !== undefined) input.redirectUris = body.redirect_uris;
  if (body.post_logout_redirect_uri !== undefined) input.postLogoutRedirectUris = body.post_logout_redirect_uri;
  if (body.allowed_scopes !== undefined) input.allowedScopes = body.allowed_scopes;
  if (body.token_endpoint_auth_method !== undefined) input.tokenEndpointAuthMethod = body.token_endpoint_auth_method;
  if (body.client_type !== undefined) input.clientType = body.client_type;
  // The seed lets the secret be null: read as "not given".
  if (body.client_secret != null) input.secret = body.client_secret;
  if (body.is_lock !== undefined) input.locked = body.is_lock;
  if (body.sing_alg !== undefined) input.signingAlg = body.sing_alg;
  if (body.flow !== undefined) input.flow = body.flow && { type: body.flow.type, issuer: body.flow.issuer ?? null };
  if (body.logo_uri !== undefined) input.logoUri = body.logo_uri;
  if (body.client_uri !== undefined) input.clientUri = body.client_uri;
  if (body.client_logout_uri !== undefined) input.clientLogoutUri = body.client_logout_uri;
  if (body.op_policy_url !== undefined) input.policyUri = body.op_policy_url;
  if (body.op_tos_url !== undefined) input.tosUri = body.op_tos_url;
  if (body.op_user_agreement_url !== undefined) input.userAgreementUri = body.op_user_agreement_url;
  if (body.register_enable !== undefined) input.registerEnabled = body.register_enable;
  if (body.tenant_name !== undefined) input.tenantName = body.tenant_name;
  if (body.consent_required !== undefined) input.consentRequired = body.consent_required;
  return input;
}

function publicFields(client: Client, tenant: Tenant) {
  return {
    client_id: client.clientId,
    name: client.name,
    tenant_id: tenant.slug,
    logo_uri: client.logoUri,
    op_policy_url: client.policyUri,
    op_tos_url: client.tosUri,
    op_user_agreement_url: client.userAgreementUri,
    client_uri: client.clientUri,
    client_logout_uri: client.clientLogoutUri,
    register_enable: client.registerEnabled,
    tenant_name: client.tenantName,
  };
}

/** The admin shape; `secret` is given only by the create answer. */
export function toVaultClient(client: Client, tenant: Tenant, secret: string | null = null): Record<string, unknown> {
  return {
    ...publicFields(client, tenant),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uri: client.postLogoutRedirectUris,
    allowed_scopes: client.allowedScopes,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    client_secret: secret,
    client_type: client.clientType,
    is_lock: client.locked,
    sing_alg: client.signingAlg,
    flow: client.flow && { type: client.flow.type, issuer: client.flow.issuer },
    consent_required: client.consentRequired,
  };
}

/** Get Client: what anyone may see. `has_profile` is false until Tessera has profile forms. */
export function toPublicClient(client: Client, tenant: Tenant): Record<string, unknown> {
  return { ...publicFields(client, tenant), has_profile: false };
}
