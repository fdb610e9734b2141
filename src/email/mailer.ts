/**
 * SMTP delivery through nodemailer, per tenant (FusionAuth emailConfiguration: host, port,
 * security NONE / SSL / TLS, optional username and password). Transports are pooled per
 * distinct configuration.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { DependencyUnavailable, type TenantSettings } from '../core/domain.js';

export interface OutgoingMail {
  from: { address: string; name?: string | undefined };
  to: string;
  subject: string;
  text: string;
  html: string;
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
