/** Email templates a tenant may point at (emailConfiguration.*TemplateId) to override a built-in one. */
import crypto from 'node:crypto';
import type { EmailTemplateRecord, Storage } from '../../storage/contract.js';
import { Conflict, NotFound, ValidationFailed, problem } from '../errors.js';
import type { EmailTemplate } from './templates.js';

export interface EmailTemplateInput {
  name: string;
  defaultSubject: string;
  defaultTextTemplate: string;
  defaultHtmlTemplate: string;
  fromEmail?: string | null;
  defaultFromName?: string | null;
}

export type StoredEmailTemplate = EmailTemplateRecord;

function toRecord(id: string, input: EmailTemplateInput, insertInstant: number, now: number): EmailTemplateRecord {
  return {
    id,
    name: input.name.trim(),
    defaultSubject: input.defaultSubject,
    defaultTextTemplate: input.defaultTextTemplate,
    defaultHtmlTemplate: input.defaultHtmlTemplate,
    fromEmail: input.fromEmail ?? null,
    defaultFromName: input.defaultFromName ?? null,
    insertInstant,
    lastUpdateInstant: now,
  };
}

export class EmailTemplateService {
  constructor(private readonly deps: { storage: Storage; now: () => number }) {}

  private get templates() {
    return this.deps.storage.emailTemplates;
  }

  async create(id: string | undefined, input: EmailTemplateInput): Promise<StoredEmailTemplate> {
    const now = this.deps.now();
    const record = toRecord(id ?? crypto.randomUUID(), input, now, now);
    if (await this.templates.find(record.id)) throw new ValidationFailed([problem('id', 'duplicate', 'An email template with this id already exists.')]);
    await this.write(() => this.templates.insert(record));
    return record;
  }

  async get(id: string): Promise<StoredEmailTemplate> {
    const record = await this.templates.find(id);
    if (!record) throw new NotFound('email template');
    return record;
  }

  async list(): Promise<StoredEmailTemplate[]> {
    return this.templates.list();
  }

  async update(id: string, input: EmailTemplateInput): Promise<StoredEmailTemplate> {
    const current = await this.templates.find(id);
    if (!current) throw new NotFound('email template');
    const record = toRecord(id, input, current.insertInstant, this.deps.now());
    await this.write(() => this.templates.update(record));
    return record;
  }

  /** Names are unique: a clash is the caller's field error. */
  private async write(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      if (error instanceof Conflict) {
        throw new ValidationFailed([error.field === 'id' ? problem('id', 'duplicate', 'An email template with this id already exists.') : problem('name', 'duplicate', 'An email template with this name already exists.')]);
      }
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    if (!(await this.templates.delete(id))) throw new NotFound('email template');
  }

  /** The stored template with this id as a renderable template, or undefined. */
  async resolve(id: string | null): Promise<EmailTemplate | undefined> {
    if (!id) return undefined;
    const record = await this.templates.find(id);
    return record && { subject: record.defaultSubject, text: record.defaultTextTemplate, html: record.defaultHtmlTemplate, fromEmail: record.fromEmail, fromName: record.defaultFromName };
  }
}
