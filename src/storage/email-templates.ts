/** Email template rows (FusionAuth Email Template API; global, not per tenant). */
import type { Selectable } from 'kysely';
import type { EmailTemplatesTable } from '../db/schema.js';
import type { EmailTemplateRecord, EmailTemplateRepository } from './contract.js';
import { type Executor, uniquely } from './executor.js';

function toRecord(row: Selectable<EmailTemplatesTable>): EmailTemplateRecord {
  return {
    id: row.id,
    name: row.name,
    defaultSubject: row.default_subject,
    defaultTextTemplate: row.default_text_template,
    defaultHtmlTemplate: row.default_html_template,
    fromEmail: row.from_email,
    defaultFromName: row.default_from_name,
    insertInstant: Number(row.insert_instant),
    lastUpdateInstant: Number(row.last_update_instant),
  };
}

function toRow(t: EmailTemplateRecord): Selectable<EmailTemplatesTable> {
  return {
    id: t.id,
    name: t.name,
    default_subject: t.defaultSubject,
    default_text_template: t.defaultTextTemplate,
    default_html_template: t.defaultHtmlTemplate,
    from_email: t.fromEmail,
    default_from_name: t.defaultFromName,
    insert_instant: t.insertInstant,
    last_update_instant: t.lastUpdateInstant,
  };
}

const UNIQUE = { id: 'id', name: 'name' };

export class KyselyEmailTemplateRepository implements EmailTemplateRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<EmailTemplateRecord | undefined> {
    const row = await this.db.selectFrom('email_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<EmailTemplateRecord[]> {
    return (await this.db.selectFrom('email_templates').selectAll().orderBy('name').execute()).map(toRecord);
  }

  async insert(template: EmailTemplateRecord): Promise<void> {
    await uniquely('email template', UNIQUE, () => this.db.insertInto('email_templates').values(toRow(template)).execute());
  }

  async update(template: EmailTemplateRecord): Promise<void> {
    const { id, insert_instant: _i, ...changes } = toRow(template);
    await uniquely('email template', UNIQUE, () => this.db.updateTable('email_templates').set(changes).where('id', '=', id).execute());
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('email_templates').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
