/**
 * PostgreSQL chooses its plans from table statistics and answers from an index alone only for
 * pages its visibility map marks all-visible; autovacuum keeps both — when it runs, and only
 * after a delay. A bulk import changes the table faster than that, and until they catch up the
 * planner may pick slow plans for the very queries the import runs (duplicate checks), and deep
 * pages read the table instead of the index. So after bulk inserts of many rows the table gets
 * VACUUM (ANALYZE) in the background: one at a time, at most every 30 s per table (a vacuum
 * skips the pages already all-visible, so repeating it during an import stays cheap). SQLite
 * needs none of this (its indexes are chosen without statistics here).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DatabaseKind } from '../db/connect.js';

/** Rows inserted since the last ANALYZE that warrant another. */
const ROWS_BEFORE_ANALYZE = 10_000;
const MIN_INTERVAL_MS = 30_000;

type AnalyzedTable = 'users';

export class TableStatistics {
  private readonly inserted = new Map<AnalyzedTable, number>();
  private readonly lastRun = new Map<AnalyzedTable, number>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      kind: DatabaseKind;
      now: () => number;
      log?: { warn: (obj: unknown, msg: string) => void };
    },
  ) {}

  /** `rows` were just inserted into `table` in bulk. */
  noteBulkInsert(table: AnalyzedTable, rows: number): void {
    if (this.deps.kind !== 'postgres' || rows <= 0) return;
    const pending = (this.inserted.get(table) ?? 0) + rows;
    this.inserted.set(table, pending);
    const now = this.deps.now();
    if (pending < ROWS_BEFORE_ANALYZE || this.running || now - (this.lastRun.get(table) ?? -Infinity) < MIN_INTERVAL_MS) return;
    this.inserted.set(table, 0);
    this.lastRun.set(table, now);
    this.running = sql`vacuum (analyze) ${sql.table(table)}`
      .execute(this.deps.db)
      .then(
        () => undefined,
        (error: unknown) => this.deps.log?.warn({ err: error, table }, 'refreshing planner statistics failed'),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves when no ANALYZE is running (for shutdown and tests). */
  async settle(): Promise<void> {
    await this.running;
  }
}
