/**
 * A browser without JavaScript for tests that sign in through a tenant's hosted login over real
 * HTTP — a cookie jar, following redirects on our host, and fixed headers (a User-Agent, an
 * X-Forwarded-For the server believes under TRUST_PROXY) — and a relying party's back end that
 * exchanges and refreshes tokens with raw requests of its own (its own headers, too).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

export type Headers = Record<string, string>;

export class HttpBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly origin: string,
    private readonly headers: Headers = {},
  ) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Headers = { ...this.headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(url, this.origin), { method: init.method ?? 'GET', headers, redirect: 'manual', ...(body ? { body } : {}) });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects while they stay on our origin; the last response, and where it pointed off our origin. */
  async follow(response: Response): Promise<{ response: Response; location: string | null }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current, location: null };
      const next = new URL(location, this.origin);
      if (next.origin !== this.origin) return { response: current, location: next.href };
      current = await this.request(next.href);
    }
    throw new Error('too many redirects');
  }
}

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
export const actionOf = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';

export interface RelyingParty {
  issuer: string;
  clientId: string;
  secret: string;
  redirectUri: string;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

const pkce = () => {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
};

/**
 * Starts an authorization in `browser`. When the provider already knows the browser's user, the
 * answer is the code (`code`); otherwise the sign-in form is filled in with `login`/`password`.
 * `html` is the sign-in page when one was shown and the form was not sent (no credentials).
 */
export async function authorize(browser: HttpBrowser, rp: RelyingParty, credentials?: { login: string; password: string }): Promise<{ code?: string; verifier: string; html?: string }> {
  const { verifier, challenge } = pkce();
  const url = new URL(`${rp.issuer}/auth`);
  for (const [k, v] of Object.entries({ client_id: rp.clientId, redirect_uri: rp.redirectUri, response_type: 'code', scope: 'openid email profile', code_challenge: challenge, code_challenge_method: 'S256', state: crypto.randomUUID() })) {
    url.searchParams.set(k, v);
  }
  let reached = await browser.follow(await browser.request(url.href));
  if (!reached.location) {
    const html = await reached.response.text();
    assert.equal(reached.response.status, 200, `the sign-in page, got ${reached.response.status} ${html.slice(0, 300)}`);
    if (!credentials) return { verifier, html };
    const posted = await browser.request(actionOf(html), { method: 'POST', form: { _csrf: csrfOf(html), ...credentials } });
    assert.equal(posted.status, 303, `signed in, got ${posted.status} ${(await posted.clone().text()).slice(0, 300)}`);
    reached = await browser.follow(posted);
  }
  assert.ok(reached.location, 'back at the relying party');
  const callback = new URL(reached.location);
  assert.equal(`${callback.origin}${callback.pathname}`, rp.redirectUri);
  const code = callback.searchParams.get('code');
  assert.ok(code, `a code, got ${callback.href}`);
  return { code, verifier };
}

/** A token request from the relying party's back end (client_secret_basic), with its own headers. */
export async function tokenRequest(rp: RelyingParty, form: Record<string, string>, headers: Headers = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${rp.issuer}/token`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.secret}`).toString('base64')}` },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.json() };
}

export async function exchangeCode(rp: RelyingParty, code: string, verifier: string, headers: Headers = {}): Promise<Tokens> {
  const answer = await tokenRequest(rp, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: rp.redirectUri }, headers);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as Tokens;
}
