/**
 * Accounts: whom an API key acts for, and so who created a tenant (seed 000's "tenants an
 * account created"). An account is an id, nothing more is stored about it; it attributes, it
 * does not isolate (a superuser key reaches every tenant, as in FusionAuth).
 *
 * - The first-start superuser key belongs to the operator account, `operator`; so does every
 *   key and tenant from before accounts existed (migration 014).
 * - A key made through the API Key API belongs to the account of the key that made it, unless
 *   a superuser key manager names another account (`apiKey.ownerId`).
 */
export const OPERATOR_ACCOUNT_ID = 'operator';

/** Letters, digits and `_ . : @ -`, 1–64 characters: a user id of any of the dialects fits. */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}
