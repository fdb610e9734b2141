/**
 * Introspection (RFC 7662) of the tenant's JWT access tokens. The engine introspects the tokens
 * it stores (opaque access tokens, refresh tokens) and answers `unsupported_token_type` for a
 * JWT, which it never stores. Resource servers of a Tessera tenant still need to ask "is this
 * token still good?" of a JWT: its key may have been revoked, or its grant ended (refresh-token
 * reuse, a second use of its code, logout, a revoked refresh token).
 *
 * So this step runs around the engine's introspection endpoint: the engine parses the request
 * and authenticates the client as always; only when it has refused the token as a JWT does this
 * step answer instead, from the token itself — verified against the tenant's keystore as it is
 * now (a revoked key verifies nothing), for this issuer, unexpired — and from the grant it names
 * (still there, for the same client and account). Anything else is `{ active: false }`.
 */
import { type JWK, type JWTPayload, createLocalJWKSet, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** The private claim naming the grant a user's JWT access token belongs to (never shown by introspection). */
export const GRANT_CLAIM = 'gid';

export interface JwtIntrospectionDeps {
  issuer: string;
  /** The tenant's published keys, read at each introspection (revocation takes a key out at once). */
  publicJwks: () => Promise<{ keys: JWK[] }>;
}

interface IntrospectionBody {
  error?: string;
}

/** The claims of a JWT access token that is still good, or undefined. */
async function verifiedClaims(token: string, deps: JwtIntrospectionDeps): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(await deps.publicJwks()), { issuer: deps.issuer, typ: 'at+jwt' });
    return payload;
  } catch {
    return undefined;
  }
}

/** Whether the grant a user's token names still stands for that client and account. */
async function grantStands(provider: Provider, claims: JWTPayload): Promise<boolean> {
  const grantId = claims[GRANT_CLAIM];
  // A client-credentials token has no grant: its subject is the client itself.
  if (grantId === undefined) return claims.sub === claims.client_id;
  if (typeof grantId !== 'string') return false;
  const grant = await provider.Grant.find(grantId, { ignoreExpiration: true });
  return Boolean(grant && !grant.isExpired && grant.clientId === claims.client_id && grant.accountId === claims.sub);
}

/** The engine's `formats.customizers.jwt`: a user's JWT access token names its grant. */
export function nameTheGrant(_ctx: unknown, token: object, jwt: { payload: Record<string, unknown> }): void {
  const { grantId } = token as { grantId?: unknown };
  if (typeof grantId === 'string') jwt.payload[GRANT_CLAIM] = grantId;
}

export function introspectJwtAccessTokens(provider: Provider, deps: JwtIntrospectionDeps): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 400) return;
    if ((ctx.body as IntrospectionBody | undefined)?.error !== 'unsupported_token_type') return;
    const client = ctx.oidc.client;
    const token = (ctx.oidc.params as { token?: unknown } | undefined)?.token;
    // The engine refuses a JWT only after the client authenticated; without one it was another refusal.
    if (!client || typeof token !== 'string') return;

    ctx.status = 200;
    ctx.body = { active: false };
    const claims = await verifiedClaims(token, deps);
    if (!claims) return;
    // As the engine's policy: a public client may only introspect its own tokens.
    if (client.clientAuthMethod === 'none' && claims.client_id !== client.clientId) return;
    if (!(await grantStands(provider, claims))) return;
    const { [GRANT_CLAIM]: _grant, ...shown } = claims;
    ctx.body = { ...shown, active: true, token_type: 'Bearer' };
  });
}
