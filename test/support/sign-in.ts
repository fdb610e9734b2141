/**
 * The relying party's side of a sign-in through a tenant's hosted login, over real HTTP with
 * raw requests (so each carries the headers a test chooses: a User-Agent, an X-Forwarded-For
 * the server believes under TRUST_PROXY): the authorization in a browser (form-browser.ts),
 * then the back end's code exchange and refreshes.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { type Browser, actionOf, csrfOf } from './form-browser.js';

export type Headers = Record<string, string>;

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
export async function authorize(browser: Browser, rp: RelyingParty, credentials?: { login: string; password: string }): Promise<{ code?: string; verifier: string; html?: string }> {
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
