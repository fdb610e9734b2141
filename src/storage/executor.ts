import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** A repository runs on the database or inside a caller's transaction, alike. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** True when the error is a unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Which column a unique violation was on, when the database says (best effort). */
export function violatedColumn(error: unknown): string | undefined {
  const e = error as { message?: string; constraint?: string; detail?: string };
  const text = `${e.constraint ?? ''} ${e.detail ?? ''} ${e.message ?? ''}`;
  const match = /(?:\.|Key \(|_)(slug|name|id|key_hash)\b/.exec(text);
  return match?.[1];
}
