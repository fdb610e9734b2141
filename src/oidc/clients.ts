/**
 * A stored client as oidc-provider's client metadata (RFC 7591 names). The secret stays
 * hashed: `client_secret` carries the SHA-256 and the provider's comparison is replaced
 * (provider-factory.ts) by the client service's, which hashes what the client presents.
 */
import type { ClientRecord } from '../storage/contract.js';

/** The OpenID scopes every tenant's provider offers; a client's other scopes are its API's (resource) scopes. */
export const OPENID_SCOPES = ['openid', 'offline_access', 'email', 'profile', 'roles'];

/**
 * `edDsaKeys`: whether the tenant's keystore has an Ed25519 family (the client service adds one
 * for an EdDSA client; a client stored otherwise falls back to RS256, which every tenant has).
 */
export function clientMetadata(client: ClientRecord, edDsaKeys: boolean): Record<string, unknown> {
  const confidential = client.clientType === 'confidential';
  // Without a redirect URI a client cannot take part in a browser sign-in: a confidential one
  // is then a service (client credentials only).
  const browserGrants = client.redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : [];
  const openidScopes = client.allowedScopes.filter((scope) => OPENID_SCOPES.includes(scope));
  return {
    client_id: client.clientId,
    ...(confidential && client.secretHash ? { client_secret: client.secretHash } : {}),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: confidential ? [...browserGrants, 'client_credentials'] : browserGrants,
    response_types: browserGrants.length ? ['code'] : [],
    token_endpoint_auth_method: confidential ? client.tokenEndpointAuthMethod : 'none',
    // Only OpenID scopes here (the others are the API's, see getResourceServerInfo); none at all
    // (a service client) is no `scope` member, which the engine requires to be non-empty.
    ...(openidScopes.length ? { scope: openidScopes.join(' ') } : {}),
    // Vault sing_alg: the ID token's signature (RS256, or EdDSA with the tenant's Ed25519 key).
    id_token_signed_response_alg: client.signingAlg === 'EdDSA' && edDsaKeys ? 'EdDSA' : 'RS256',
    ...(client.logoUri ? { logo_uri: client.logoUri } : {}),
    ...(client.clientUri ? { client_uri: client.clientUri } : {}),
    ...(client.policyUri ? { policy_uri: client.policyUri } : {}),
    ...(client.tosUri ? { tos_uri: client.tosUri } : {}),
  };
}
