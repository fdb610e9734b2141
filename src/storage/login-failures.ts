/**
 * Failure counters and blocks (table login_failures). The counter only moves through single
 * conditional UPDATEs: a reservation succeeds only while the subject is not blocked and has
 * attempts left, so N parallel guesses against a limit of L verify at most L passwords.
 */
import type { AttemptWindow, BlockedEntry, FailureKind, LoginFailureRepository, Page, Reservation } from './contract.js';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';

function whereKey<Q extends { where: (...args: any[]) => Q }>(query: Q, key: KeyValues): Q {
  return query.where('tenant_id', '=', key.tenantId).where('kind', '=', key.kind).where('subject', '=', key.subject);
}

type KeyValues = { tenantId: string; kind: FailureKind; subject: string };

/**
 * One statement: the first attempt inserts the row; later ones count only while the subject is
 * not blocked and has attempts left in the window (a new window starts the count again).
 */
const countAttempt = preparedQuery<KeyValues & { now: number; windowStart: number; maxAttempts: number }, { failed_count: number }>(
  ['tenantId', 'kind', 'subject', 'now', 'windowStart', 'maxAttempts'],
  (db, p) =>
    db
      .insertInto('login_failures')
      .values({ tenant_id: p.tenantId, kind: p.kind, subject: p.subject, failed_count: 1, window_started_at: p.now, blocked_until: null, blocked_at: null, block_count: 0 })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'kind', 'subject'])
          .doUpdateSet((eb) => ({
            failed_count: eb.case().when('login_failures.window_started_at', '<=', p.windowStart).then(1).else(eb('login_failures.failed_count', '+', 1)).end(),
            window_started_at: eb.case().when('login_failures.window_started_at', '<=', p.windowStart).then(p.now).else(eb.ref('login_failures.window_started_at')).end(),
          }))
          .where((eb) =>
            eb.and([
              eb.or([eb('login_failures.blocked_until', 'is', null), eb('login_failures.blocked_until', '<=', p.now)]),
              eb.or([eb('login_failures.window_started_at', '<=', p.windowStart), eb('login_failures.failed_count', '<', p.maxAttempts)]),
            ]),
          ),
      )
      .returning('failed_count'),
);

const blockedUntilOf = preparedQuery<KeyValues, { blocked_until: number | null }>(['tenantId', 'kind', 'subject'], (db, p) =>
  whereKey(db.selectFrom('login_failures').select('blocked_until'), p),
);

const clearCount = preparedQuery<KeyValues, never>(['tenantId', 'kind', 'subject'], (db, p) =>
  whereKey(db.updateTable('login_failures').set({ failed_count: 0, block_count: 0 }), p),
);

/** One attempt given back; `endDoubling` also forgets earlier blocks (a success, not a mere give-back). */
const decrementCount = (endDoubling: boolean) =>
  preparedQuery<KeyValues, never>(['tenantId', 'kind', 'subject'], (db, p) =>
    whereKey(
      db.updateTable('login_failures').set((eb) => ({
        failed_count: eb.case().when('failed_count', '>', 0).then(eb('failed_count', '-', 1)).else(0).end(),
        ...(endDoubling ? { block_count: 0 } : {}),
      })),
      p,
    ),
  );
const giveAttemptBack = decrementCount(true);
const releaseAttempt = decrementCount(false);

export class KyselyLoginFailureRepository implements LoginFailureRepository {
  constructor(
    private readonly db: Executor,
    private readonly tenantId: string,
  ) {}

  private key(kind: FailureKind, subject: string): KeyValues {
    return { tenantId: this.tenantId, kind, subject };
  }

  async reserve(kind: FailureKind, subject: string, window: AttemptWindow, now: number): Promise<Reservation> {
    const key = this.key(kind, subject);
    const row = (await countAttempt(this.db, { ...key, now, windowStart: now - window.windowSeconds * 1000, maxAttempts: window.maxAttempts })).rows[0];
    if (row) return { allowed: true, count: Number(row.failed_count) };
    const state = (await blockedUntilOf(this.db, key)).rows[0];
    const until = state?.blocked_until === null || state?.blocked_until === undefined ? null : Number(state.blocked_until);
    return { allowed: false, blockedUntil: until !== null && until > now ? until : null };
  }

  async failed(kind: FailureKind, subject: string, count: number, window: AttemptWindow, now: number, blockMs: (blocksSoFar: number) => number): Promise<number | null> {
    if (count < window.maxAttempts) return null;
    const key = this.key(kind, subject);
    const state = await whereKey(this.db.selectFrom('login_failures').select('block_count'), key).executeTakeFirst();
    if (!state) return null;
    const until = now + blockMs(Number(state.block_count));
    const result = await whereKey(
      this.db.updateTable('login_failures').set({ blocked_until: until, blocked_at: now, block_count: Number(state.block_count) + 1, failed_count: 0, window_started_at: now }),
      key,
    )
      .where('block_count', '=', state.block_count)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? until : null;
  }

  async succeeded(kind: FailureKind, subject: string, resetCount: boolean): Promise<void> {
    await (resetCount ? clearCount : giveAttemptBack)(this.db, this.key(kind, subject));
  }

  async released(kind: FailureKind, subject: string): Promise<void> {
    await releaseAttempt(this.db, this.key(kind, subject));
  }

  async listBlocked(kind: FailureKind, now: number, page: Page): Promise<{ entries: BlockedEntry[]; total: number }> {
    const base = this.db.selectFrom('login_failures').where('tenant_id', '=', this.tenantId).where('kind', '=', kind).where('blocked_until', '>', now);
    const rows = await base
      .select(['subject', 'blocked_at', 'blocked_until'])
      .orderBy('blocked_at', page.direction)
      .orderBy('subject', page.direction)
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return {
      entries: rows.map((r) => ({ subject: r.subject, blockedAt: Number(r.blocked_at ?? now), blockedUntil: Number(r.blocked_until) })),
      total: Number(total.n),
    };
  }

  async unblock(kind: FailureKind, subject: string, now: number): Promise<boolean> {
    const result = await whereKey(this.db.updateTable('login_failures').set({ blocked_until: null, failed_count: 0, block_count: 0 }), this.key(kind, subject))
      .where('blocked_until', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
