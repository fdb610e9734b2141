/**
 * FusionAuth's refreshTokenExpirationPolicy on the engine's refresh grant:
 * - `Fixed`: a refresh token expires its lifetime after it was issued (a rotated, OneTimeUse
 *   token is a new issue: it gets the whole lifetime);
 * - `SlidingWindow`: its expiry is counted from its last use — a Reusable token is given the
 *   whole lifetime again each time it is used.
 * The grant behind the tokens lives at least as long as its newest refresh token (the engine
 * fixes a grant's expiry when it is made, which would cut either chain short).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

export interface RefreshExpiryPolicy {
  expiration: 'Fixed' | 'SlidingWindow';
  ttlSeconds: number;
}

interface Expiring {
  exp?: number;
  /** Seconds left (the engine's: from `exp`, or the whole lifetime of a token not yet given one). */
  readonly remainingTTL: number;
  save(): Promise<unknown>;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

export function applyRefreshTokenExpiration(provider: Provider, policy: RefreshExpiryPolicy): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    if ((ctx.oidc.params as { grant_type?: unknown } | undefined)?.grant_type !== 'refresh_token') return;
    const entities = ctx.oidc.entities as { RefreshToken?: Expiring; RotatedRefreshToken?: unknown; Grant?: Expiring };
    const { RefreshToken: token, Grant: grant } = entities;
    if (!token || !grant) return;
    if (policy.expiration === 'SlidingWindow' && !entities.RotatedRefreshToken) {
      token.exp = epochSeconds() + policy.ttlSeconds;
      await token.save();
    }
    const tokenExpires = epochSeconds() + token.remainingTTL;
    if (grant.exp !== undefined && grant.exp < tokenExpires) {
      grant.exp = tokenExpires;
      await grant.save();
    }
  });
}
