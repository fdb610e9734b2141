/**
 * Composes and sends a tenant's messages: picks the tenant's template (or the built-in one),
 * renders it, and hands it to the mailer (the tenant's SMTP server, or the log when it has none). Sending never fails the request
 * that caused it: background sends are tracked (for a clean shutdown) and their errors logged.
 */
import type { Mailer } from '../../email/mailer.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';
import type { EmailTemplateService } from './email-template-service.js';
import { BUILT_IN_TEMPLATES, type MessageKind, render } from './templates.js';

export interface MessageValues {
  link?: string;
  code?: string;
  expiresAt?: number;
  unlocksAt?: number;
}

const TEMPLATE_SETTING: Partial<Record<MessageKind, keyof Tenant['settings']['email']['templates']>> = {
  verification: 'verification',
  forgotPassword: 'forgotPassword',
  setPassword: 'setPassword',
};

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      mailer: Mailer;
      templates: EmailTemplateService;
      now: () => number;
      log?: { error: (obj: unknown, msg: string) => void };
    },
  ) {}

  /** Sends now and reports failure to the caller. */
  async send(tenant: Tenant, user: User, kind: MessageKind, values: MessageValues): Promise<void> {
    if (!user.email) return;
    const setting = TEMPLATE_SETTING[kind];
    const template = (setting && (await this.deps.templates.resolve(tenant.settings.email.templates[setting]))) || BUILT_IN_TEMPLATES[kind];
    const now = this.deps.now();
    const context = {
      user: { id: user.id, username: user.username, email: user.email, name: user.username ?? user.email },
      tenant: { id: tenant.id, name: tenant.name },
      link: values.link,
      code: values.code,
      expiresInMinutes: values.expiresAt ? Math.max(1, Math.round((values.expiresAt - now) / 60000)) : undefined,
      unlocksAt: values.unlocksAt ? new Date(values.unlocksAt).toISOString() : undefined,
    };
    const email = tenant.settings.email;
    await this.deps.mailer.send(email, {
      from: { address: template.fromEmail || email.defaultFromEmail, name: template.fromName || email.defaultFromName || undefined },
      to: user.email,
      subject: render(template.subject, context, false),
      text: render(template.text, context, false),
      html: render(template.html, context, true),
      link: values.link,
    });
  }

  /** Sends in the background; the caller does not wait and a failure is only logged. */
  sendLater(tenant: Tenant, user: User, kind: MessageKind, values: MessageValues): void {
    this.track(this.send(tenant, user, kind, values), { tenantId: tenant.id, kind });
  }

  /** Runs mail work in the background, logged on failure and awaited by settle(). */
  track(work: Promise<unknown>, context: Record<string, unknown>): void {
    const tracked: Promise<void> = work
      .then(() => undefined)
      .catch((error: unknown) => this.deps.log?.error({ err: error, ...context }, 'email could not be sent'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
