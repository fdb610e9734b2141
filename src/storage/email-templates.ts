import type { Selectable } from 'kysely';
import type { EmailTemplatesTable } from '../db/schema.js';
import type { Executor } from './executor.js';

export type EmailTemplateRow = Selectable<EmailTemplatesTable>;

export const emailTemplateStore = {
  find: (db: Executor, id: string) => db.selectFrom('email_templates').selectAll().where('id', '=', id).executeTakeFirst(),
  list: (db: Executor) => db.selectFrom('email_templates').selectAll().orderBy('name').execute(),
  async insert(db: Executor, row: EmailTemplateRow): Promise<void> {
    await db.insertInto('email_templates').values(row).execute();
  },
  async update(db: Executor, row: EmailTemplateRow): Promise<void> {
    const { id, insert_instant: _i, ...changes } = row;
    await db.updateTable('email_templates').set(changes).where('id', '=', id).execute();
  },
  async delete(db: Executor, id: string): Promise<boolean> {
    const result = await db.deleteFrom('email_templates').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
};
