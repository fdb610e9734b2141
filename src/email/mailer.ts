/**
 * SMTP delivery through nodemailer, per tenant (FusionAuth emailConfiguration: host, port,
 * security NONE / SSL / TLS, optional username and password). Transports are pooled per
 * distinct configuration. A tenant whose SMTP settings are still the built-in ones has no mail
 * server configured: its mail is written to the log instead (TenantMailer).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { DependencyUnavailable, type TenantSettings } from '../core/domain.js';

export interface OutgoingMail {
  from: { address: string; name?: string | undefined };
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message carries (change password, verify email), for the log delivery. */
  link?: string | undefined;
}

/**
 * The JavaMail-style properties FusionAuth's `emailConfiguration.properties` carries, the few
 * that mean something here: `mail.smtp.ssl.trust` (`*` or a space-separated host list whose
 * certificate is accepted without verification — for self-signed servers) and the
 * `mail.smtp.connectiontimeout` / `mail.smtp.timeout` milliseconds.
 */
export function smtpProperties(properties: TenantSettings['email']['properties']): Map<string, string> {
  const entries = new Map<string, string>();
  if (typeof properties === 'string') {
    for (const line of properties.split(/\r?\n/)) {
      const match = /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (match) entries.set(match[1]!, match[2]!);
    }
  } else if (properties) {
    for (const [key, value] of Object.entries(properties)) entries.set(key, String(value));
  }
  return entries;
}

function trusts(properties: Map<string, string>, host: string): boolean {
  const trust = properties.get('mail.smtp.ssl.trust');
  return trust !== undefined && (trust === '*' || trust.split(/\s+/).includes(host));
}

function millis(properties: Map<string, string>, key: string, fallback: number): number {
  const value = Number(properties.get(key));
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export interface Mailer {
  send(smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void>;
  close(): void;
}

export class SmtpMailer implements Mailer {
  private readonly transports = new Map<string, Transporter>();

  private transport(smtp: TenantSettings['email']): Transporter {
    const key = JSON.stringify([smtp.host, smtp.port, smtp.security, smtp.username, smtp.password, smtp.properties]);
    let transport = this.transports.get(key);
    if (!transport) {
      const properties = smtpProperties(smtp.properties);
      transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.security === 'SSL', // implicit TLS from the first byte
        requireTLS: smtp.security === 'TLS', // STARTTLS, refused if the server cannot
        ignoreTLS: smtp.security === 'NONE',
        ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
        // Certificates are verified unless the tenant trusts this host explicitly.
        tls: { rejectUnauthorized: !trusts(properties, smtp.host) },
        connectionTimeout: millis(properties, 'mail.smtp.connectiontimeout', 10_000),
        greetingTimeout: 10_000,
        socketTimeout: millis(properties, 'mail.smtp.timeout', 20_000),
      });
      this.transports.set(key, transport);
    }
    return transport;
  }

  async send(smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void> {
    try {
      await this.transport(smtp).sendMail({
        from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    } catch (error) {
      throw new DependencyUnavailable(`The tenant's SMTP server did not take the message: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }
}

/**
 * "No SMTP server configured" means the tenant's settings are still the built-in default:
 * host `localhost`, port 25, no username. Any change (another host, port or a username) is a
 * configured server and gets real SMTP delivery. A local MTA on port 25 is reached by naming
 * it `127.0.0.1` instead of `localhost`.
 */
export function smtpConfigured(smtp: Pick<TenantSettings['email'], 'host' | 'port' | 'username'>): boolean {
  return !(smtp.host.toLowerCase() === 'localhost' && smtp.port === 25 && !smtp.username);
}

export interface MailLog {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** Writes each message as one log line (recipient, subject, link) instead of sending it. */
export class LogMailer implements Mailer {
  constructor(private readonly log: MailLog | undefined) {}

  async send(_smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void> {
    this.log?.warn({ to: mail.to, subject: mail.subject, link: mail.link ?? null }, 'email not sent: no SMTP server configured for the tenant; written to the log');
  }

  close(): void {}
}

/** The default delivery: SMTP for tenants with a configured server, the log for the others. */
export class TenantMailer implements Mailer {
  private readonly smtp = new SmtpMailer();
  private readonly logged: LogMailer;

  constructor(log?: MailLog) {
    this.logged = new LogMailer(log);
  }

  send(smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void> {
    return smtpConfigured(smtp) ? this.smtp.send(smtp, mail) : this.logged.send(smtp, mail);
  }

  close(): void {
    this.smtp.close();
  }
}
