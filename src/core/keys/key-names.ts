/**
 * Names of the signing keys a tenant is given. A key name is unique and stored in a
 * varchar(191) column (src/db/migrations/001_initial.ts), which PostgreSQL enforces in
 * characters (code points) and SQLite does not: so the name is cut to fit on both alike. The
 * tenant's name (itself up to 191 characters) is shortened, never the purpose or the id suffix.
 */

/** The `keys.name` column's length, in code points. */
export const KEY_NAME_MAX_LENGTH = 191;

/** `{tenant name} {purpose} signing key ({suffix})`, at most KEY_NAME_MAX_LENGTH code points; the purpose is e.g. `access token` or a keystore family's algorithm. */
export function tenantKeyName(tenantName: string, purpose: string, suffix: string): string {
  const tail = ` ${purpose} signing key (${suffix})`;
  const room = KEY_NAME_MAX_LENGTH - [...tail].length;
  const points = [...tenantName];
  const head = points.length <= room ? tenantName : `${points.slice(0, room - 1).join('').trimEnd()}…`;
  return head + tail;
}
