/**
 * The domain types and errors every layer shares. Storage, crypto and email import from the
 * core only through this module: the records they read and write, and the errors they raise.
 */
export type { PasswordScheme, Tenant, TenantSettings } from './tenants/settings.js';
export type { User, UserQuery, UserSortField } from './users/user.js';
export { Conflict, DependencyUnavailable, NotFound } from './errors.js';
