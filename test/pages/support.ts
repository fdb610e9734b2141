/**
 * Helpers for the page tests: tenants whose mail goes to a test mailbox, users, one-time ids,
 * and a small cookie-keeping form client over fetch (for what a browser is not needed for).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Mailbox } from '../support/mailbox.js';
import type { TestServer } from '../support/server.js';

export interface PageTenant {
  id: string;
  slug: string;
  name: string;
  addUser(body: Record<string, unknown>): Promise<any>;
  login(loginId: string, password: string): Promise<{ status: number; body: any }>;
  forgot(loginId: string, send?: boolean): Promise<{ status: number; body: any; text: string }>;
  /** A change-password id handed to the (trusted) caller instead of mailed. */
  changeId(loginId: string): Promise<string>;
  /** A verification id (the resend API returns it and mails it). */
  verificationId(email: string): Promise<string>;
}

export async function createTenant(t: TestServer, fa: Record<string, any> = {}, mailbox?: Mailbox): Promise<PageTenant> {
  const { emailConfiguration, name, ...rest } = fa;
  const mail = mailbox ? { host: '127.0.0.1', port: mailbox.port, security: 'NONE', defaultFromEmail: 'no-reply@tessera.test' } : {};
  const tenantName: string = name ?? `Pages ${crypto.randomUUID().slice(0, 8)}`;
  const created = await t.fetch('/api/tenant', {
    method: 'POST',
    body: { tenant: { name: tenantName, emailConfiguration: { ...mail, ...emailConfiguration }, passwordEncryptionConfiguration: { encryptionSchemeFactor: 1000 }, ...rest } },
  });
  assert.equal(created.status, 200, created.text);
  const id: string = created.body.tenant.id;
  const slug = new URL(created.body.tenant.issuer).pathname.slice(1);
  const header = { 'x-fusionauth-tenantid': id };
  const handle: PageTenant = {
    id,
    slug,
    name: tenantName,
    async addUser(body) {
      const r = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body, headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    },
    login: (loginId, password) => t.fetch('/api/login', { method: 'POST', body: { loginId, password }, headers: header }),
    forgot: (loginId, send = true) => t.fetch('/api/user/forgot-password', { method: 'POST', body: { loginId, sendForgotPasswordEmail: send }, headers: header }),
    async changeId(loginId) {
      const r = await handle.forgot(loginId, false);
      assert.equal(r.status, 200, r.text);
      return r.body.changePasswordId;
    },
    async verificationId(email) {
      const r = await t.fetch(`/api/user/verify-email?email=${encodeURIComponent(email)}`, { method: 'PUT', headers: header });
      assert.equal(r.status, 200, r.text);
      return r.body.verificationId;
    },
  };
  return handle;
}

/** The link with `path` in a mail's text, made to point at the test server. */
export function linkIn(text: string, path: string, serverUrl: string): URL {
  const match = new RegExp(`https?://[^\\s"<>]*${path}/[^\\s"<>]+`).exec(text);
  assert.ok(match, `no ${path} link in: ${text}`);
  const link = new URL(match[0]);
  return new URL(link.pathname + link.search, serverUrl);
}

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  /** The form's CSRF token, when the page has a form. */
  csrf: string | undefined;
}

/** A browser stand-in: keeps the cookies it is given (name=value, path ignored) and posts forms. */
export class FormClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private async read(response: Response): Promise<PageResponse> {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    return { status: response.status, headers: response.headers, html, csrf };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.read(await fetch(this.baseUrl + path, { headers: { ...this.cookieHeader(), ...headers }, redirect: 'manual' }));
  }

  async post(path: string, body: string | Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const encoded = typeof body === 'string' ? body : new URLSearchParams(body).toString();
    return this.read(
      await fetch(this.baseUrl + path, { method: 'POST', body: encoded, headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers }, redirect: 'manual' }),
    );
  }
}

/** The text of an element (first match) with tags stripped and entities of the five kinds decoded. */
export function textOf(html: string, tag: string): string {
  const match = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  assert.ok(match, `no <${tag}> in ${html}`);
  return match[1]!
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
