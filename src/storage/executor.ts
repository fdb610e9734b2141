import type { Kysely, Transaction } from 'kysely';
import { Conflict } from '../core/domain.js';
import type { Database } from '../db/schema.js';

/** A repository runs on the database or inside a caller's transaction, alike. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** True when the error is a unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Which of `columns` a unique violation was on, as the database words it: SQLite says
 * `UNIQUE constraint failed: users.tenant_id, users.email_lower`, PostgreSQL
 * `Key (tenant_id, email_lower)=(…) already exists` (or names the constraint `tenants_name_key`).
 */
export function violatedColumn(error: unknown, columns: readonly string[]): string | undefined {
  const e = error as { message?: string; constraint?: string; detail?: string };
  const words = new Set(`${e.constraint ?? ''} ${e.detail ?? ''} ${e.message ?? ''}`.match(/[A-Za-z0-9_]+/g) ?? []);
  const named = (column: string) => [...words].some((w) => w.endsWith(`_${column}_key`) || (column === 'id' && w.endsWith('_pkey')));
  return columns.find((column) => words.has(column) || named(column));
}

/**
 * Runs a write and turns a unique violation into the domain's Conflict, naming the field
 * (`fields` maps column → domain field name, in the order to test them).
 */
export async function uniquely<T>(what: string, fields: Record<string, string>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const column = violatedColumn(error, Object.keys(fields));
    throw new Conflict(what, column === undefined ? undefined : fields[column], { cause: error });
  }
}
