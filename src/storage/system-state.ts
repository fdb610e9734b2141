import type { SystemStateRepository } from './contract.js';
import type { Executor } from './executor.js';

export class KyselySystemStateRepository implements SystemStateRepository {
  constructor(private readonly db: Executor) {}

  async get(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('system_state').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }

  async set(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('system_state')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }
}
