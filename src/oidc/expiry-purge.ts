/** Deletes expired OpenID Provider artefacts and users' sessions of every tenant in the background, once a minute. */
import type { Storage } from '../storage/contract.js';

export class ExpiredArtefactPurge {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: { storage: Storage; now: () => number; intervalMs?: number; log?: { warn: (obj: unknown, msg: string) => void } },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.purge().finally(() => (this.running = undefined));
    }, this.deps.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** One purge (public so tests can run it now). */
  async purge(): Promise<void> {
    try {
      const now = this.deps.now();
      await this.deps.storage.purgeExpiredOidc(Math.floor(now / 1000));
      await this.deps.storage.purgeExpiredSessions(now);
    } catch (error) {
      this.deps.log?.warn({ err: error }, 'purging expired OpenID artefacts failed; retrying later');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
