/**
 * "Sign in with Tessera" in a real browser: a relying party built on openid-client (a real HTTP
 * server on loopback) sends Chromium through the hosted sign-in of two tenants — one in English,
 * one in Turkish (`ui_locales=tr`) — and then exchanges the code (PKCE), reads userinfo,
 * refreshes, and logs the browser out again. Under CI=true a missing Chromium fails the suite.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { type Browser, chromium } from 'playwright-core';
import { en } from '../../src/pages/i18n/en.js';
import { tr } from '../../src/pages/i18n/tr.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const missing = fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;

if (missing && process.env.CI === 'true') {
  test('Chromium is installed (required under CI=true)', () => assert.fail(missing));
}

/** The relying party's own server: it answers its callback and post-logout pages. */
async function relyingParty(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>RP</title><p id="where">${request.url?.startsWith('/bye') ? 'signed out' : 'signed in'}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const backend of backends()) {
  describe(`sign in with Tessera in Chromium on ${backend.name}`, { skip: missing }, () => {
    let t: TestServer;
    let rp: Awaited<ReturnType<typeof relyingParty>>;
    let browser: Browser;

    before(async () => {
      rp = await relyingParty();
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });
    after(async () => {
      await browser?.close();
      await t?.stop();
      await rp?.close();
    });

    /** A tenant with one user and one client registered through the Vault APIs. */
    async function tenantWithApp(name: string) {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }));
      const slug = (await t.server.tenants.get({}, created.response.tenant!.id!)).slug;
      const bearer = { authorization: `Bearer ${t.apiKey}` };
      const user = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', headers: bearer, body: { username: 'ada', email: 'ada@example.com', password: 'Analytical-Engine-1843', is_verified: true } });
      assert.equal(user.status, 201, user.text);
      const app = await t.fetch('/clients', {
        method: 'POST',
        headers: bearer,
        body: { tenant_id: slug, client_id: 'rp', name: 'The RP', redirect_uris: [`${rp.origin}/callback`], post_logout_redirect_uri: [`${rp.origin}/bye`], allowed_scopes: ['openid', 'email', 'profile'], token_endpoint_auth_method: 'client_secret_basic' },
      });
      assert.equal(app.status, 200, app.text);
      const config = await client.discovery(new URL(`${t.url}/${slug}`), 'rp', undefined, client.ClientSecretBasic(app.body.client_secret), { execute: [client.allowInsecureRequests] });
      return { slug, config };
    }

    for (const [language, messages] of [['en', en], ['tr', tr]] as const) {
      test(`${language}: hosted sign-in, code + PKCE, userinfo, refresh, logout`, async () => {
        const { config } = await tenantWithApp(`Browser ${language} ${crypto.randomUUID().slice(0, 6)}`);
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(config, {
          redirect_uri: `${rp.origin}/callback`,
          scope: 'openid email profile',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          ...(language === 'tr' ? { ui_locales: 'tr' } : {}),
        });
        const context = await browser.newContext({ locale: 'en-US' });
        const page = await context.newPage();
        const problems: string[] = [];
        // What would block the way back to the client: a CSP violation, or a script error.
        page.on('console', (message) => /Content Security Policy/i.test(message.text()) && problems.push(message.text()));
        page.on('pageerror', (error) => problems.push(error.message));
        try {
          await page.goto(url.href);
          assert.equal(await page.textContent('button[type=submit]'), messages.login.submit, 'the sign-in page speaks the asked language');
          await page.fill('#login', 'ada@example.com');
          await page.fill('#password', 'Analytical-Engine-1843');
          await Promise.all([page.waitForURL(`${rp.origin}/callback**`), page.click('button[type=submit]')]);
          assert.equal(await page.textContent('#where'), 'signed in');
          assert.deepEqual(problems, [], 'no CSP violation on the way back to the client');

          const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
          const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
          assert.equal(info.email, 'ada@example.com');
          const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
          assert.ok(refreshed.access_token);

          await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rp.origin}/bye` }).href);
          await Promise.all([page.waitForURL(`${rp.origin}/bye**`), page.click('button[type=submit], button[autofocus]')]);
          assert.equal(await page.textContent('#where'), 'signed out');

          // Signed out: a new authorization asks for the password again.
          await page.goto(url.href);
          assert.equal(await page.textContent('button[type=submit]'), messages.login.submit);
        } finally {
          await context.close();
        }
      });
    }
  });
}
