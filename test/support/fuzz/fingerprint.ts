/**
 * A cheap fingerprint of everything stored: per table, its row count and the largest value of
 * each instant column (`…_at`, `…_instant`), plus the failure counters. Two fingerprints differ
 * when a row was added, removed or updated (updates move an instant), which is what a refused
 * request must never do. Tables are found by introspection, so new tables are covered.
 */
import { type Kysely, sql } from 'kysely';

export interface Fingerprinter {
  take(): Promise<Record<string, string>>;
}

const INSTANT = /(_at|_instant)$/;

export async function fingerprinter(db: Kysely<any>): Promise<Fingerprinter> {
  const tables = (await db.introspection.getTables()).filter((t) => !t.name.startsWith('kysely_'));
  const parts: Array<{ label: string; expr: string }> = [];
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const table of tables) {
    parts.push({ label: `${table.name}.count`, expr: `(select count(*) from ${quote(table.name)})` });
    for (const column of table.columns) {
      if (INSTANT.test(column.name) || column.name === 'failed_count' || column.name === 'block_count') {
        parts.push({ label: `${table.name}.${column.name}`, expr: `(select ${column.name.endsWith('_count') ? 'sum' : 'max'}(${quote(column.name)}) from ${quote(table.name)})` });
      }
    }
  }
  const query = `select ${parts.map((p, i) => `${p.expr} as c${i}`).join(', ')}`;
  return {
    async take() {
      const result = await sql.raw<Record<string, unknown>>(query).execute(db);
      const row = result.rows[0] ?? {};
      return Object.fromEntries(parts.map((p, i) => [p.label, String(row[`c${i}`] ?? 'null')]));
    },
  };
}

/** The members that differ, as `table.column: before → after`. */
export function differences(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k}: ${before[k]} → ${after[k]}`);
}
