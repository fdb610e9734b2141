/**
 * SQL texts that run on every login (storage/prepared.ts registers them). On PostgreSQL they run
 * as named statements, so each pooled connection parses and plans them once instead of on every
 * call. SQLite needs no list: db/connect.ts keeps every short statement prepared.
 */
import crypto from 'node:crypto';

const names = new Map<string, string>();

export function markHot(sql: string): void {
  if (!names.has(sql)) names.set(sql, `tessera_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 24)}`);
}

/** The statement name for this SQL when it is a hot one. */
export function hotStatementName(sql: string): string | undefined {
  return names.get(sql);
}
