/**
 * PostgreSQL chooses its plans from table statistics, which autovacuum refreshes — when it runs,
 * and only after a delay. A bulk import into an empty or small tenant changes the table faster
 * than that, and until the statistics catch up the planner may pick slow plans for the very
 * queries the import runs (duplicate checks) and for deep pages. So after bulk inserts of many
 * rows the table is analysed in the background: one ANALYZE at a time, at most every 30 s per
 * table. SQLite needs none of this (its indexes are chosen without statistics here).
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
    this.running = sql`analyze ${sql.table(table)}`
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
