/**
 * Publishes change events and delivers them to every subscriber: on this instance right after
 * the commit that made the change, and — through the change feed the same transaction wrote —
 * on every other instance that shares the database (ChangeFeedPoller).
 */
import crypto from 'node:crypto';
import type { Storage } from '../../storage/contract.js';
import type { ChangeEvent, ChangeHandler, ChangeSource } from './change-events.js';

/** Records events inside a transaction; they are delivered once it commits. */
export type Emit = (event: ChangeEvent) => Promise<void>;

export class ChangeBus {
  /** Identifies this instance's rows in the feed (it has delivered those itself). */
  readonly origin = crypto.randomUUID();
  private readonly handlers = new Set<ChangeHandler>();

  constructor(
    private readonly deps: {
      storage: Storage;
      now: () => number;
      log?: { error: (obj: unknown, msg: string) => void };
    },
  ) {}

  /** Hears every change from now on; returns the unsubscribe function. */
  subscribe(handler: ChangeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * Runs `work` in one transaction; the events it emits are written to the feed inside that
   * transaction and delivered here after the commit (none if it rolls back).
   */
  async transaction<T>(work: (tx: Storage, emit: Emit) => Promise<T>): Promise<T> {
    const emitted: ChangeEvent[] = [];
    const result = await this.deps.storage.transaction((tx) =>
      work(tx, async (event) => {
        await tx.changes.append({ origin: this.origin, type: event.type, payload: { ...event }, at: this.deps.now() });
        emitted.push(event);
      }),
    );
    for (const event of emitted) this.deliver(event, 'local');
    return result;
  }

  /** Hands one event to every subscriber; a subscriber's failure is logged, not spread. */
  deliver(event: ChangeEvent, source: ChangeSource): void {
    for (const handler of this.handlers) {
      try {
        handler(event, source);
      } catch (error) {
        this.deps.log?.error({ err: error, event }, 'a change subscriber failed');
      }
    }
  }
}
