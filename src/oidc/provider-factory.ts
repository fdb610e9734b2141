/**
 * Builds one tenant's OpenID Provider (oidc-provider 9) from the tenant model: issuer
 * `{PUBLIC_URL}/{slug}`, the tenant's signing keys, its clients and users, lifetimes from its
 * settings, and browser state (cookie names, paths and keys) of its own, so nothing of one
 * tenant's sign-in can touch another's on the shared host.
 */
import Provider, { type AsymmetricSigningAlgorithm, type ClientMetadata, type Configuration, type KoaContextWithOIDC, errors } from 'oidc-provider';
import type { MasterKey } from '../crypto/master-key.js';
import type { KeyService } from '../core/keys/key-service.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { UserService } from '../core/users/user-service.js';
import type { Storage } from '../storage/contract.js';
import { findAccountIn } from './account.js';
import { tenantAdapter } from './adapter.js';
import { OPENID_SCOPES, clientMetadata } from './clients.js';
import { verifySecret } from '../core/clients/client-service.js';
import { joseAlgorithm } from '../core/keys/algorithms.js';
import type { KeystoreService } from '../core/keys/keystore-service.js';
import { enginePages } from '../pages/engine-pages.js';
import { introspectJwtAccessTokens, nameTheGrant } from './jwt-introspection.js';
import { applyRefreshTokenExpiration } from './refresh-expiry.js';
import type { ClientDescriber } from '../clientinfo/access.js';
import { trackSessions } from './session-tracking.js';
import { secureFormPostPage } from './form-post-page.js';

export interface ProviderDeps {
  storage: Storage;
  keys: KeyService;
  keystore: KeystoreService;
  users: UserService;
  masterKey: MasterKey;
  publicUrl: string;
  /** TRUST_PROXY given: believe X-Forwarded-Proto/Host from the proxy. */
  behindProxy: boolean;
  /** Country and parsed User-Agent of a request's client (users' sessions record them). */
  clientInfo: ClientDescriber;
  now: () => number;
  log?: { warn: (obj: unknown, msg: string) => void };
}

/**
 * Whether a request without `resource` is for the tenant's API: client credentials always, an
 * authorization request when it asks for a scope beyond the OpenID ones (later requests of the
 * grant use the resource it granted).
 */
function asksForTheApi(ctx: KoaContextWithOIDC): boolean {
  const params = ctx.oidc.params as { grant_type?: unknown; scope?: unknown } | undefined;
  if (params?.grant_type === 'client_credentials') return true;
  if (ctx.oidc.route !== 'authorization' || typeof params?.scope !== 'string') return false;
  return params.scope.split(' ').some((scope) => scope !== '' && !OPENID_SCOPES.includes(scope));
}

/** How many of a tenant's clients (the first created) its provider holds built from the start. */
const STATIC_CLIENTS = 200;

/** Where a tenant's provider is mounted, and so its issuer's path. */
export function issuerOf(publicUrl: string, tenant: Tenant): string {
  return `${publicUrl}/${tenant.slug}`;
}

export async function buildProvider(tenant: Tenant, deps: ProviderDeps): Promise<Provider> {
  const issuer = issuerOf(deps.publicUrl, tenant);
  const tokens = tenant.settings.tokens;
  // Access tokens are signed with the tenant's current access-token key (its keystore's family for that algorithm).
  const accessTokenAlg = joseAlgorithm((await deps.keys.get(tokens.accessTokenKeyId)).algorithm);
  const mount = `/${tenant.slug}`;
  const secure = deps.publicUrl.startsWith('https:');
  const cookie = { httpOnly: true, sameSite: 'lax' as const, path: mount, secure };

  // The keystore's private JWKs: current keys first (they sign), next and previous published.
  // (The engine copies each key and drops this set once it is built.)
  const jwks = await deps.keystore.signingJwks(tenant);
  const edDsaKeys = jwks.keys.some((key) => key.alg === 'EdDSA');
  const adapter = tenantAdapter({ storage: deps.storage, tenantId: tenant.id, now: deps.now, edDsaKeys });
  // The engine's own pages (logout, signed out, errors), drawn by the page layer in the tenant's theme.
  const pages = enginePages(tenant);
  // The tenant's first clients are the engine's static clients: it keeps each one built for the
  // provider's life (a client change rebuilds the provider), where a client from the adapter is
  // serialised and hashed again on every request. Any further client comes from the adapter.
  const firstClients = await deps.storage.forTenant(tenant.id).clients.list(0, STATIC_CLIENTS);
  const configuration: Configuration = {
    clients: firstClients.filter((client) => !client.locked).map((client) => clientMetadata(client, edDsaKeys) as ClientMetadata),
    adapter: adapter.Adapter,
    jwks,
    findAccount: findAccountIn(() => tenant, deps.users),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username', 'locale'], roles: ['roles'] },
    scopes: OPENID_SCOPES,
    responseTypes: ['code'],
    // Per tenant: the default `_session` cookie on path `/` would be shared by every tenant.
    cookies: {
      names: { session: `_t_${tenant.slug}_session`, interaction: `_t_${tenant.slug}_interaction`, resume: `_t_${tenant.slug}_resume` },
      long: cookie,
      short: cookie,
      keys: [deps.masterKey.derive(`cookies:${tenant.id}`).toString('base64url')],
    },
    interactions: { url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A confidential client (a resource server) may introspect any of the tenant's tokens, a
      // public client only its own; any client may revoke only its own.
      introspection: { enabled: true, allowedPolicy: async (ctx, _client, token) => ctx.oidc.client?.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client.clientId },
      revocation: { enabled: true, allowedPolicy: async (ctx, _client, token) => token.clientId === ctx.oidc.client?.clientId },
      rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
      // Access tokens for the tenant's API (resource = its issuer) are JWTs signed with the
      // tenant's access-token key, carrying the user's roles. Client credentials always get one;
      // a user's sign-in gets one when the client asks for an API scope or names the API as
      // `resource`, else an opaque token for userinfo (the engine lets only those reach userinfo).
      // (The engine's default resource server look-up throws.)
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx: KoaContextWithOIDC) => (asksForTheApi(ctx) ? issuer : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: async (ctx: KoaContextWithOIDC, resource: string, client) => {
          if (resource !== issuer) throw new errors.InvalidTarget(`the resource must be ${issuer}`);
          // The client's allowed scopes that are not OpenID scopes are its scopes on the API.
          const stored = await adapter.client(client.clientId);
          const apiScopes = (stored?.allowedScopes ?? []).filter((scope) => !OPENID_SCOPES.includes(scope));
          return {
            scope: apiScopes.join(' '),
            audience: issuer,
            // A service's token lives PlusAuth's ttl.client_credentials; a user's, the access-token lifetime.
            accessTokenTTL: (ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type === 'client_credentials' ? tokens.clientCredentialsTtlSeconds : tokens.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: accessTokenAlg as AsymmetricSigningAlgorithm } },
          };
        },
      },
    },
    // A user's JWT access token names its grant, so introspection can tell when the grant ended.
    formats: { customizers: { jwt: nameTheGrant } },
    ttl: {
      AccessToken: tokens.accessTokenTtlSeconds,
      ClientCredentials: tokens.clientCredentialsTtlSeconds,
      IdToken: tokens.idTokenTtlSeconds,
      RefreshToken: tokens.refreshTokenTtlSeconds,
      AuthorizationCode: tokens.authorizationCodeTtlSeconds,
      Session: tokens.sessionTtlSeconds,
      Grant: tokens.refreshTokenTtlSeconds,
      Interaction: 600,
    },
    // The engine's own error page loads web fonts from a third party; ours is the page layer's.
    renderError: pages.renderError,
    // FusionAuth refreshTokenUsagePolicy: OneTimeUse rotates on every use, and the engine revokes
    // the whole grant when a used refresh token comes back (reuse detection); Reusable never rotates.
    rotateRefreshToken: () => tokens.refreshTokenUsage === 'OneTimeUse',
    // Refresh tokens for every client allowed the grant (not only with offline_access and consent).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      if (!accountId) return undefined;
      const user = await deps.users.get(tenant, accountId).catch(() => undefined);
      return user ? { roles: user.roles, tid: tenant.id } : undefined;
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = deps.behindProxy;
  introspectJwtAccessTokens(provider, { issuer, publicJwks: () => deps.keystore.publicJwks(tenant) });
  applyRefreshTokenExpiration(provider, { expiration: tokens.refreshTokenExpiration, ttlSeconds: tokens.refreshTokenTtlSeconds });
  // Users' sessions: opened by a login, used by authorizations, token issue and userinfo.
  trackSessions(provider, tenant, deps);
  // The engine's form_post page, with the hosted pages' security headers.
  secureFormPostPage(provider);
  // Client secrets are stored as SHA-256 (clients.ts): compare what is presented, hashed.
  const clientPrototype = (provider as unknown as { Client: { prototype: { clientSecret?: string; compareClientSecret(actual: string): Promise<boolean> | boolean } } }).Client.prototype;
  clientPrototype.compareClientSecret = function compareHashed(this: { clientSecret?: string }, actual: string) {
    return Boolean(this.clientSecret) && verifySecret({ secretHash: this.clientSecret! }, actual);
  };
  return provider;
}
