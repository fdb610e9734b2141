/**
 * SMTP delivery through nodemailer, per tenant (FusionAuth emailConfiguration: host, port,
 * security NONE / SSL / TLS, optional username and password). Transports are pooled per
 * distinct configuration.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { TenantSettings } from '../core/tenants/settings.js';

export interface OutgoingMail {
  from: { address: string; name?: string | undefined };
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void>;
  close(): void;
}

export class SmtpMailer implements Mailer {
  private readonly transports = new Map<string, Transporter>();

  private transport(smtp: TenantSettings['email']): Transporter {
    const key = JSON.stringify([smtp.host, smtp.port, smtp.security, smtp.username, smtp.password]);
    let transport = this.transports.get(key);
    if (!transport) {
      transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.security === 'SSL', // implicit TLS from the first byte
        requireTLS: smtp.security === 'TLS', // STARTTLS, refused if the server cannot
        ignoreTLS: smtp.security === 'NONE',
        ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      this.transports.set(key, transport);
    }
    return transport;
  }

  async send(smtp: TenantSettings['email'], mail: OutgoingMail): Promise<void> {
    await this.transport(smtp).sendMail({
      from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
