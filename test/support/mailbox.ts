/**
 * A real SMTP server on loopback (the smtp-server package) that keeps what it receives, so
 * tests read the mail a tenant sends exactly as a user's mail provider would get it.
 */
import { type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export class Mailbox {
  readonly received: ReceivedMail[] = [];
  private waiters: Array<() => void> = [];
  private server!: SMTPServer;
  port = 0;

  /**
   * `credentials`: require AUTH with these (otherwise AUTH is optional). `tls`: 'implicit'
   * (TLS from the first byte), 'starttls' (offered and required before mail), or none. The
   * certificate is smtp-server's built-in self-signed one.
   */
  static async start(credentials?: { username: string; password: string }, tls?: 'implicit' | 'starttls'): Promise<Mailbox> {
    const box = new Mailbox();
    box.server = new SMTPServer({
      secure: tls === 'implicit',
      disabledCommands: tls === 'starttls' ? [] : ['STARTTLS'],
      ...(tls === 'starttls' ? { onMailFrom: (_address, session, callback) => (session.secure ? callback() : callback(new Error('STARTTLS first'))) } : {}),
      authOptional: !credentials,
      logger: false,
      onAuth(auth, _session, callback) {
        if (credentials && auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (parsed) => {
            box.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            box.waiters.splice(0).forEach((wake) => wake());
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    // A client that gives up mid-handshake (an untrusted certificate, say) is the client's business.
    box.server.on('error', () => undefined);
    await new Promise<void>((resolve) => box.server.listen(0, '127.0.0.1', resolve));
    box.port = (box.server.server.address() as AddressInfo).port;
    return box;
  }

  /** The first message to `to` (received now or within `timeoutMs`), removed from the box. */
  async take(to: string, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((m) => m.to.includes(to));
      if (index >= 0) return this.received.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${to} within ${timeoutMs} ms (have: ${this.received.map((m) => m.to.join(',')).join('; ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * No mail for `to` has arrived once `settled()` has resolved. `settled` must finish every
   * delivery the server had begun (e.g. the test server's restart: stopping waits for all
   * background mail); a mail is in `received` before its sender's SMTP transaction completes, so
   * nothing sent before that point can arrive later. No waiting for a fixed time.
   */
  async expectNone(to: string, settled: () => Promise<unknown>): Promise<void> {
    await settled();
    const unexpected = this.received.filter((m) => m.to.includes(to));
    if (unexpected.length) throw new Error(`unexpected mail to ${to}: ${unexpected.map((m) => m.subject).join('; ')}`);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
