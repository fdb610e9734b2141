/** The change feed (table change_events): what one instance changed, for the others to read. */
import type { ChangeFeedRepository, ChangeRecord } from './contract.js';
import type { Executor } from './executor.js';

export class KyselyChangeFeedRepository implements ChangeFeedRepository {
  constructor(private readonly db: Executor) {}

  async append(change: Omit<ChangeRecord, 'seq'>): Promise<void> {
    await this.db.insertInto('change_events').values({ origin: change.origin, type: change.type, payload: JSON.stringify(change.payload), at: change.at }).execute();
  }

  async since(afterSeq: number, limit: number): Promise<ChangeRecord[]> {
    const rows = await this.db.selectFrom('change_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), origin: r.origin, type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown>, at: Number(r.at) }));
  }

  async latestSeq(): Promise<number> {
    const row = await this.db.selectFrom('change_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  async purgeBefore(at: number): Promise<number> {
    const result = await this.db.deleteFrom('change_events').where('at', '<', at).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
