/**
 * A user's tokens for the refresh and introspection scenarios, made in-process through a
 * provider's own models — the grant, refresh token and opaque access token its code flow would
 * store after a sign-in asking for `scopes` — so that either provider (a Tessera tenant's from
 * the pool, or the bare one) holds real tokens of its own, through its own adapter.
 */
import type Provider from 'oidc-provider';

export interface UserTokens {
  refreshToken: string;
  accessToken: string;
}

export async function mintUserTokens(provider: Provider, input: { clientId: string; accountId: string; scopes: string[] }): Promise<UserTokens> {
  const client = await provider.Client.find(input.clientId);
  if (!client) throw new Error(`the provider does not know client ${input.clientId}`);
  const scope = input.scopes.join(' ');
  const grant = new provider.Grant({ accountId: input.accountId, clientId: input.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const now = Math.floor(Date.now() / 1000);
  // offline_access: the refresh token outlives the browser session (expiresWithSession false).
  const refresh = new provider.RefreshToken({ client, accountId: input.accountId, grantId, scope, gty: 'authorization_code', authTime: now, iiat: now, rotations: 0, expiresWithSession: false });
  const access = new provider.AccessToken({ client, accountId: input.accountId, grantId, scope, gty: 'authorization_code' });
  return { refreshToken: await refresh.save(), accessToken: await access.save() };
}
