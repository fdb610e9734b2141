import type { User } from '../../core/users/user.js';

/** A core user as FusionAuth's User object. */
export function toFaUser(user: User): Record<string, unknown> {
  return {
    id: user.id,
    tenantId: user.tenantId,
    ...(user.username ? { username: user.username } : {}),
    ...(user.email ? { email: user.email } : {}),
    active: !user.disabled,
    verified: user.verified,
    passwordChangeRequired: user.passwordChangeRequired,
    ...(user.passwordChangedAt !== null ? { passwordLastUpdateInstant: user.passwordChangedAt } : {}),
    ...(user.locale ? { preferredLanguages: [user.locale] } : {}),
    data: user.data,
    insertInstant: user.createdAt,
    lastUpdateInstant: user.updatedAt,
  };
}
