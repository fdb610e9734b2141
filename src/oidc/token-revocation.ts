/**
 * FusionAuth's refreshTokenRevocationPolicy for the tenants' providers: a user's refresh tokens
 * are revoked when their password changes (`onPasswordChanged`) and when they can no longer
 * sign in — locked out or disabled (`onLoginPrevented`). (A disabled or deleted user's tokens
 * are refused anyway: the provider finds no account for them.)
 */
import type { Signals } from '../core/events/signals.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { Storage } from '../storage/contract.js';

const REFRESH_TOKENS = ['RefreshToken'] as const;

export function revokeRefreshTokensPerPolicy(deps: { storage: Storage; signals: Signals; log?: { warn: (obj: unknown, msg: string) => void } }): void {
  // The emitter waits for these (the change's answer comes after the tokens are gone); a failure is logged.
  const revoke = (tenant: Tenant, userId: string, why: string) =>
    deps.storage
      .forTenant(tenant.id)
      .oidc.revokeByAccount(userId, REFRESH_TOKENS)
      .catch((error: unknown) => deps.log?.warn({ err: error, tenantId: tenant.id, userId, why }, 'revoking refresh tokens failed'));
  deps.signals.on('user.passwordChanged', ({ tenant, user }) => (tenant.settings.tokens.revokeRefreshTokensOnPasswordChanged ? revoke(tenant, user.id, 'password changed') : undefined));
  deps.signals.on('user.locked', ({ tenant, userId }) => (tenant.settings.tokens.revokeRefreshTokensOnLoginPrevented ? revoke(tenant, userId, 'locked') : undefined));
  deps.signals.on('user.disabled', ({ tenant, user }) => (tenant.settings.tokens.revokeRefreshTokensOnLoginPrevented ? revoke(tenant, user.id, 'disabled') : undefined));
}
