/** Email templates a tenant may point at (emailConfiguration.*TemplateId) to override a built-in one. */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type EmailTemplateRow, emailTemplateStore } from '../../storage/email-templates.js';
import { isUniqueViolation } from '../../storage/executor.js';
import { NotFound, ValidationFailed, problem } from '../errors.js';
import type { EmailTemplate } from './templates.js';

export interface EmailTemplateInput {
  name: string;
  defaultSubject: string;
  defaultTextTemplate: string;
  defaultHtmlTemplate: string;
  fromEmail?: string | null;
  defaultFromName?: string | null;
}

export type StoredEmailTemplate = EmailTemplateInput & { id: string; insertInstant: number; lastUpdateInstant: number };

function toTemplate(row: EmailTemplateRow): StoredEmailTemplate {
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

function toRow(id: string, input: EmailTemplateInput, insertInstant: number, now: number): EmailTemplateRow {
  return {
    id,
    name: input.name.trim(),
    default_subject: input.defaultSubject,
    default_text_template: input.defaultTextTemplate,
    default_html_template: input.defaultHtmlTemplate,
    from_email: input.fromEmail ?? null,
    default_from_name: input.defaultFromName ?? null,
    insert_instant: insertInstant,
    last_update_instant: now,
  };
}

export class EmailTemplateService {
  constructor(private readonly deps: { db: Kysely<Database>; now: () => number }) {}

  async create(id: string | undefined, input: EmailTemplateInput): Promise<StoredEmailTemplate> {
    const now = this.deps.now();
    const row = toRow(id ?? crypto.randomUUID(), input, now, now);
    if (await emailTemplateStore.find(this.deps.db, row.id)) throw new ValidationFailed([problem('id', 'duplicate', 'An email template with this id already exists.')]);
    await this.write(() => emailTemplateStore.insert(this.deps.db, row));
    return toTemplate(row);
  }

  async get(id: string): Promise<StoredEmailTemplate> {
    const row = await emailTemplateStore.find(this.deps.db, id);
    if (!row) throw new NotFound('email template');
    return toTemplate(row);
  }

  async list(): Promise<StoredEmailTemplate[]> {
    return (await emailTemplateStore.list(this.deps.db)).map(toTemplate);
  }

  async update(id: string, input: EmailTemplateInput): Promise<StoredEmailTemplate> {
    const current = await emailTemplateStore.find(this.deps.db, id);
    if (!current) throw new NotFound('email template');
    const row = toRow(id, input, Number(current.insert_instant), this.deps.now());
    await this.write(() => emailTemplateStore.update(this.deps.db, row));
    return toTemplate(row);
  }

  /** Names are unique: a clash is the caller's field error. */
  private async write(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationFailed([problem('name', 'duplicate', 'An email template with this name already exists.')]);
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    if (!(await emailTemplateStore.delete(this.deps.db, id))) throw new NotFound('email template');
  }

  /** The stored template with this id as a renderable template, or undefined. */
  async resolve(id: string | null): Promise<EmailTemplate | undefined> {
    if (!id) return undefined;
    const row = await emailTemplateStore.find(this.deps.db, id);
    return row && { subject: row.default_subject, text: row.default_text_template, html: row.default_html_template, fromEmail: row.from_email, fromName: row.default_from_name };
  }
}
