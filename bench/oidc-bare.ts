/**
 * The baseline of the OpenID Provider benchmark: a bare oidc-provider 9 on its own HTTP server,
 * configured as src/oidc/provider-factory.ts configures a tenant's provider — the same keys (the
 * tenant's signing JWKs, so both sign with the same key and publish the same JWKS), features,
 * scopes and claims, lifetimes, refresh-token policy, resource server (JWT access tokens for
 * client credentials, opaque for a user) — but none of Tessera around it: no Fastify, no tenant
 * look-up, one static client with a plain-text secret, a fixed account, the engine's in-memory
 * adapter.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import Provider, { type AsymmetricSigningAlgorithm, type Configuration, type KoaContextWithOIDC, errors } from 'oidc-provider';
import type { JWK } from 'jose';
import type { TenantSettings } from '../src/core/tenants/settings.js';
import { OPENID_SCOPES } from '../src/oidc/clients.js';

export interface BareClient {
  clientId: string;
  secret: string;
  redirectUri: string;
  /** Every scope the client may have: OpenID ones and API (resource) ones. */
  scopes: string[];
}

export interface BareOptions {
  /** Private JWKs, signers first (as the tenant's provider is given them). */
  jwks: { keys: JWK[] };
  /** What client-credentials access tokens are signed with. */
  accessTokenAlg: string;
  tokens: TenantSettings['tokens'];
  client: BareClient;
  account: { accountId: string; claims: Record<string, unknown> };
}

export interface BareProvider {
  issuer: string;
  provider: Provider;
  close(): Promise<void>;
}

/** The bare provider's configuration for `issuer` (the engine's in-memory adapter: none given). */
export function bareConfiguration(issuer: string, options: BareOptions): Configuration {
  const { tokens, client, account } = options;
  const openidScopes = client.scopes.filter((scope) => OPENID_SCOPES.includes(scope));
  const apiScopes = client.scopes.filter((scope) => !OPENID_SCOPES.includes(scope));
  return {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.secret,
        client_name: 'Bench',
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: openidScopes.join(' '),
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: structuredClone(options.jwks) as Configuration['jwks'],
    findAccount: async (_ctx, sub) => (sub === account.accountId ? { accountId: sub, claims: async () => ({ sub, ...account.claims }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username', 'locale'], roles: ['roles'] },
    scopes: OPENID_SCOPES,
    responseTypes: ['code'],
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx: KoaContextWithOIDC) => ((ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type === 'client_credentials' ? issuer : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => {
          if (resource !== issuer) throw new errors.InvalidTarget(`the resource must be ${issuer}`);
          return {
            scope: apiScopes.join(' '),
            audience: issuer,
            accessTokenTTL: tokens.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: options.accessTokenAlg as AsymmetricSigningAlgorithm } },
          };
        },
      },
    },
    ttl: {
      AccessToken: tokens.accessTokenTtlSeconds,
      ClientCredentials: tokens.accessTokenTtlSeconds,
      IdToken: tokens.idTokenTtlSeconds,
      RefreshToken: tokens.refreshTokenTtlSeconds,
      AuthorizationCode: tokens.authorizationCodeTtlSeconds,
      Session: tokens.sessionTtlSeconds,
      Grant: tokens.refreshTokenTtlSeconds,
      Interaction: 600,
    },
    rotateRefreshToken: () => tokens.refreshTokenUsage === 'OneTimeUse',
    issueRefreshToken: async (_ctx, of) => of.grantTypeAllowed('refresh_token'),
  };
}

export async function startBareProvider(options: BareOptions): Promise<BareProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, bareConfiguration(issuer, options));
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
