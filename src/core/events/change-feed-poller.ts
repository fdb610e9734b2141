/**
 * Reads the change feed for changes other instances made and delivers them here. Polled (one
 * small indexed query every `intervalMs`, 250 ms by default) so it works the same on SQLite and
 * PostgreSQL: a change made elsewhere is heard here within about a quarter of a second.
 *
 * On PostgreSQL sequence numbers are taken at insert but rows become visible at commit, so a
 * lower seq can appear after a higher one was read. Each poll therefore looks back LOOKBACK
 * sequence numbers behind the highest seen and skips the rows it has already delivered.
 */
import type { Storage } from '../../storage/contract.js';
import type { ChangeBus } from './change-bus.js';
import { changeFromFeed } from './change-events.js';

const LOOKBACK = 200;
const BATCH = 500;
/** Feed rows older than this are purged (every instance has read them long since). */
const RETAIN_MS = 10 * 60_000;
const PURGE_EVERY_MS = 60_000;

export class ChangeFeedPoller {
  private highest = 0;
  private readonly seen = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPurge = 0;

  constructor(
    private readonly deps: {
      storage: Storage;
      bus: ChangeBus;
      now: () => number;
      intervalMs?: number;
      log?: { warn: (obj: unknown, msg: string) => void };
    },
  ) {}

  /** Starts after the changes already in the feed (they are history to a new instance). */
  async start(): Promise<void> {
    this.highest = await this.deps.storage.changes.latestSeq();
    for (const row of await this.deps.storage.changes.since(Math.max(0, this.highest - LOOKBACK), BATCH)) this.seen.add(row.seq);
    this.lastPurge = this.deps.now();
    this.timer = setInterval(() => {
      this.running ??= this.poll().finally(() => (this.running = undefined));
    }, this.deps.intervalMs ?? 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One read of the feed (public for tests that want a change delivered now). */
  async poll(): Promise<void> {
    const { storage, bus } = this.deps;
    try {
      const rows = await storage.changes.since(Math.max(0, this.highest - LOOKBACK), BATCH);
      for (const row of rows) {
        if (this.seen.has(row.seq)) continue;
        this.seen.add(row.seq);
        if (row.seq > this.highest) this.highest = row.seq;
        if (row.origin === bus.origin) continue;
        const event = changeFromFeed(row.type, row.payload);
        if (event) bus.deliver(event, 'remote');
      }
      for (const seq of this.seen) if (seq <= this.highest - LOOKBACK) this.seen.delete(seq);
      const now = this.deps.now();
      if (now - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = now;
        await storage.changes.purgeBefore(now - RETAIN_MS);
      }
    } catch (error) {
      this.deps.log?.warn({ err: error }, 'reading the change feed failed; retrying');
    }
  }
}
