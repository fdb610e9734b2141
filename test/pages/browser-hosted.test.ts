/**
 * The hosted pages of a tenant's OpenID Provider in a real browser (Debian's Chromium through
 * playwright-core), with a relying party on loopback (openid-client) that also serves the
 * logos: a branded tenant (colours and logo visible, loaded under the CSP), the consent page of
 * a third-party client — Allow gives the code, Deny (in Turkish, by ui_locales) brings
 * access_denied to the client —, sign-up continuing the same authorization, forgot password
 * through a real mailbox, and the logout confirmation then the post-logout redirect. No CSP
 * violation and no script error anywhere. Under CI=true a missing Chromium fails the suite.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { en } from '../../src/pages/i18n/en.js';
import { tr } from '../../src/pages/i18n/tr.js';
import { backends } from '../support/backends.js';
import { Mailbox } from '../support/mailbox.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { type PageTenant, createTenant, linkIn } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const missing = fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;

if (missing && process.env.CI === 'true') {
  test('Chromium is installed (required under CI=true)', () => assert.fail(missing));
}

const shots = process.env.PAGES_SCREENSHOTS;
async function screenshot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PASSWORD = 'Analytical-Engine-1843';

/** The relying party's server: its callback and post-logout pages, and the logos the pages show. */
async function relyingParty(): Promise<{ origin: string; logoRequests: () => number; close(): Promise<void> }> {
  let logos = 0;
  const server = http.createServer((request, response) => {
    if (request.url?.endsWith('.png')) {
      logos++;
      response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      response.end(PNG);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>RP</title><p id="where">${request.url?.startsWith('/bye') ? 'signed out' : 'back at the app'}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, logoRequests: () => logos, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
/** A computed style property of the first element matching `selector` (run in the page). */
const styleOf = (page: Page, selector: string, property: 'backgroundColor' | 'color') =>
  page.locator(selector).first().evaluate((element, name) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(element)[name], property);
/** Whether the image loaded (a blocked or failed one has no natural width). */
const loaded = (page: Page, selector: string) => page.locator(selector).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0);
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

for (const backend of backends()) {
  describe(`hosted pages in Chromium on ${backend.name}`, { skip: missing }, () => {
    let t: TestServer;
    let rp: Awaited<ReturnType<typeof relyingParty>>;
    let mailbox: Mailbox;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });

    before(async () => {
      rp = await relyingParty();
      mailbox = await Mailbox.start();
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await t?.stop();
      await mailbox?.stop();
      await rp?.close();
    });

    /** A fresh browser; CSP violations and script errors are collected. */
    async function open(locale = 'en-US') {
      const context = await browser.newContext({ locale });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return { page, problems };
    }

    /** A branded tenant (its mail to the mailbox) with one user; `settings` edits its model directly. */
    async function tenant(options: { selfService?: boolean } = {}): Promise<PageTenant> {
      const ten = await createTenant(t, {}, mailbox);
      if (options.selfService) await t.server.tenants.update({}, ten.id, (c) => ({ name: c.name, settings: { ...c.settings, registration: { ...c.settings.registration, selfServiceEnabled: true } } }));
      const branded = await t.fetch(`/tenants/${ten.slug}/branding`, { method: 'PUT', headers: bearer(), body: { logo_url: `${rp.origin}/tenant-logo.png`, primary_color: '#0a7c59', background_color: '#fdf6e3' } });
      assert.equal(branded.status, 200, branded.text);
      await ten.addUser({ username: 'ada', email: `ada@${ten.slug}.example`, password: PASSWORD, is_verified: true });
      return ten;
    }

    async function app(ten: PageTenant, fields: Record<string, unknown> = {}) {
      const made = await t.fetch('/clients', {
        method: 'POST',
        headers: bearer(),
        body: { tenant_id: ten.slug, client_id: 'rp', name: 'Reading Room', redirect_uris: [`${rp.origin}/callback`], post_logout_redirect_uri: [`${rp.origin}/bye`], allowed_scopes: ['openid', 'email', 'profile'], token_endpoint_auth_method: 'client_secret_basic', ...fields },
      });
      assert.equal(made.status, 200, made.text);
      return client.discovery(new URL(`${t.url}/${ten.slug}`), 'rp', undefined, client.ClientSecretBasic(made.body.client_secret), { execute: [client.allowInsecureRequests] });
    }

    async function authorizationUrl(config: client.Configuration, extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: `${rp.origin}/callback`, scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...extra });
      return { url, verifier, state };
    }

    /** Clicks and waits until the browser is back at the relying party. */
    async function toClient(page: Page, click: () => Promise<void>, where = '/callback'): Promise<URL> {
      await Promise.all([page.waitForURL(`${rp.origin}${where}**`), click()]);
      return new URL(page.url());
    }

    async function signIn(page: Page, login: string, password = PASSWORD): Promise<void> {
      await page.fill('#login', login);
      await page.fill('#password', password);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    }

    test('branding is visible (colours, logo loaded under the CSP); consent Allow gives the code', async () => {
      const ten = await tenant();
      const config = await app(ten, { consent_required: true, logo_uri: `${rp.origin}/client-logo.png`, op_policy_url: 'https://rp.example/privacy' });
      const { url, verifier, state } = await authorizationUrl(config);
      const { page, problems } = await open();
      await page.goto(url.href);
      assert.equal(await text(page, 'h1'), en.login.title);
      assert.equal(await styleOf(page, 'body', 'backgroundColor'), rgb('#fdf6e3'), 'the tenant’s background colour');
      assert.equal(await styleOf(page, 'button[type=submit]', 'backgroundColor'), rgb('#0a7c59'), 'the tenant’s primary colour');
      assert.equal(await styleOf(page, 'button[type=submit]', 'color'), rgb('#ffffff'), 'readable text on it');
      assert.equal(await loaded(page, 'img.tenant-logo'), true, 'the tenant logo loaded');
      assert.equal(await loaded(page, 'img.client-logo'), true, 'the client logo loaded');
      await screenshot(page, `hosted-login-branded-${backend.name}`);

      await signIn(page, `ada@${ten.slug}.example`);
      assert.equal(await text(page, 'h1'), en.consent.title);
      assert.deepEqual((await page.locator('.scopes li').allTextContents()).map((s) => s.trim()).sort(), [en.consent.scopes.email, en.consent.scopes.openid, en.consent.scopes.profile].sort());
      assert.equal(await page.getAttribute('.legal a', 'href'), 'https://rp.example/privacy');
      await screenshot(page, `hosted-consent-${backend.name}`);
      const back = await toClient(page, () => page.click('button[value=allow]'));
      assert.equal(await text(page, '#where'), 'back at the app');
      const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
      assert.equal((await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email, `ada@${ten.slug}.example`);

      const second = await authorizationUrl(config);
      await toClient(page, () => page.goto(second.url.href).then(() => undefined));
      assert.ok(new URL(page.url()).searchParams.get('code'), 'remembered: no page the second time');
      assert.ok(rp.logoRequests() >= 2);
      assert.deepEqual(problems, [], 'no CSP violation or script error');
    });

    test('consent Deny in Turkish (ui_locales=tr): the client receives access_denied', async () => {
      const ten = await tenant();
      const config = await app(ten, { consent_required: true });
      const { url, state } = await authorizationUrl(config, { ui_locales: 'tr' });
      const { page, problems } = await open('en-US');
      await page.goto(url.href);
      assert.equal(await page.getAttribute('html', 'lang'), 'tr');
      assert.equal(await text(page, 'button[type=submit]'), tr.login.submit);
      await signIn(page, 'ada');
      assert.equal(await text(page, 'h1'), tr.consent.title);
      assert.equal(await text(page, 'button[value=deny]'), tr.consent.deny);
      await screenshot(page, `hosted-consent-tr-${backend.name}`);
      const back = await toClient(page, () => page.click('button[value=deny]'));
      assert.equal(back.searchParams.get('error'), 'access_denied');
      assert.equal(back.searchParams.get('state'), state);
      assert.equal(back.searchParams.get('code'), null);
      assert.deepEqual(problems, []);
    });

    test('sign-up from the login page, then signed in: the same authorization continues to the client', async () => {
      const ten = await tenant({ selfService: true });
      const config = await app(ten, { register_enable: true });
      const { url, verifier, state } = await authorizationUrl(config);
      const { page, problems } = await open();
      await page.goto(url.href);
      await Promise.all([page.waitForNavigation(), page.click('#create-account')]);
      assert.equal(await text(page, 'h1'), en.register.title);
      assert.ok((await text(page, '.rules')).includes(en.rules.minLength(8)));
      const email = `new-${backend.name}@${ten.slug}.example`;
      await page.fill('#email', email);
      await page.fill('#password', 'Fresh-account-2024');
      await page.fill('#confirm', 'Fresh-account-2024');
      await screenshot(page, `hosted-register-${backend.name}`);
      const back = await toClient(page, () => page.click('button[type=submit]'));
      const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
      assert.equal((await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email, email);
      assert.equal((await ten.login(email, 'Fresh-account-2024')).status, 200);
      assert.deepEqual(problems, []);
    });

    test('forgot password from the login page: the mail’s link sets a new password, which then signs in', async () => {
      const ten = await tenant();
      const config = await app(ten);
      const { url, verifier, state } = await authorizationUrl(config);
      const { page, problems } = await open();
      await page.goto(url.href);
      await Promise.all([page.waitForNavigation(), page.click('#forgot-password')]);
      assert.equal(await text(page, 'h1'), en.forgot.title);
      await page.fill('#login', `ada@${ten.slug}.example`);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.equal(await text(page, 'h1'), en.forgot.sentTitle);
      await screenshot(page, `hosted-forgot-sent-${backend.name}`);
      const link = linkIn((await mailbox.take(`ada@${ten.slug}.example`)).text, `/${ten.slug}/password/change`, t.url);

      const mail = await page.context().newPage();
      await mail.goto(link.href);
      await mail.fill('#password', 'Chosen-anew-2024');
      await mail.fill('#confirm', 'Chosen-anew-2024');
      await Promise.all([mail.waitForNavigation(), mail.click('button[type=submit]')]);
      assert.equal(await text(mail, 'h1'), en.changePassword.doneTitle);
      await mail.close();

      await Promise.all([page.waitForNavigation(), page.click('.links a')]);
      assert.equal(await text(page, 'h1'), en.login.title, 'back to the same sign-in');
      await page.fill('#login', 'ada');
      await page.fill('#password', 'Chosen-anew-2024');
      const back = await toClient(page, () => page.click('button[type=submit]'));
      await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
      assert.deepEqual(problems, []);
    });

    test('logout: the confirmation page, then the post-logout redirect; signed out afterwards', async () => {
      const ten = await tenant();
      const config = await app(ten);
      const { url, verifier, state } = await authorizationUrl(config);
      const { page, problems } = await open('tr-TR');
      await page.goto(url.href);
      await page.fill('#login', 'ada');
      await page.fill('#password', PASSWORD);
      const back = await toClient(page, () => page.click('button[type=submit]'));
      const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });

      await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rp.origin}/bye`, state: 'bye-state' }).href);
      assert.equal(await text(page, 'h1'), tr.logout.title, 'Turkish by Accept-Language');
      assert.equal(await styleOf(page, 'body', 'backgroundColor'), rgb('#fdf6e3'), 'themed');
      assert.equal(await page.locator('input[name=xsrf]').count(), 1, 'the engine’s form is there');
      await screenshot(page, `hosted-logout-${backend.name}`);
      const bye = await toClient(page, () => page.click('button[value=yes]'), '/bye');
      assert.equal(bye.searchParams.get('state'), 'bye-state');
      assert.equal(await text(page, '#where'), 'signed out');

      await page.goto((await authorizationUrl(config)).url.href);
      assert.equal(await text(page, 'h1'), tr.login.title, 'signed out: the password is asked again');
      assert.deepEqual(problems, []);
    });
  });
}
