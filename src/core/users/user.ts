import type { StoredPassword } from '../../crypto/passwords/index.js';

/** A person in a tenant. Username and email are each unique within the tenant (case-insensitively). */
export interface User {
  id: string;
  tenantId: string;
  username: string | null;
  email: string | null;
  disabled: boolean;
  verified: boolean;
  locale: string | null;
  roles: string[];
  externalId: string | null;
  data: Record<string, unknown>;
  password: StoredPassword | null;
  passwordChangedAt: number | null;
  passwordChangeRequired: boolean;
  createdAt: number;
  updatedAt: number;
}

export type UserSortField = 'created_at' | 'username' | 'email';

export interface UserQuery {
  /** Case-insensitive prefix of the username. */
  username?: string;
  /** Case-insensitive prefix of the email. */
  email?: string;
  limit: number;
  offset: number;
  sortBy: UserSortField;
  /** 1 ascending, -1 descending. */
  sortDirection: 1 | -1;
}

export interface UserPage {
  users: User[];
  hasNext: boolean;
  totalCount: number;
}
