/**
 * The account pages in a real browser (Debian's /usr/bin/chromium driven by playwright-core),
 * from the mail a real SMTP mailbox received: reset a password (once with a weak one first),
 * sign in with it, find the link spent; verify an email address, in English and in Turkish; and
 * a tenant name with markup that stays text. Under CI=true a missing Chromium fails the suite;
 * elsewhere it is skipped with a message. PAGES_SCREENSHOTS=<dir> saves a screenshot per page.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { en } from '../../src/pages/i18n/en.js';
import { tr } from '../../src/pages/i18n/tr.js';
import { backends } from '../support/backends.js';
import { Mailbox } from '../support/mailbox.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { createTenant, linkIn } from './support.js';

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

/** Clicks the form's button and waits for the page the POST answers with; returns its status. */
async function submit(page: Page): Promise<number> {
  const response = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await page.click('button[type=submit]');
  const [answered] = await Promise.all([response, committed]);
  await page.waitForLoadState('load');
  return answered.status();
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

for (const backend of backends()) {
  describe(`pages in Chromium on ${backend.name}`, { skip: missing }, () => {
    let t: TestServer;
    let mailbox: Mailbox;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    before(async () => {
      mailbox = await Mailbox.start();
      t = await startTestServer(backend);
      // launch() gives each run a fresh, throwaway profile directory.
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await t?.stop();
      await mailbox?.stop();
    });

    /** A fresh browser state; its locale sets Accept-Language. CSP violations and script errors are collected. */
    async function open(locale = 'en-US') {
      const context = await browser.newContext({ locale });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        // A 4xx page is logged as a failed load; that is the page under test, not a problem.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of 4')) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return { page, problems };
    }

    test('password reset from the mail: weak password refused, new one set, sign-in works, the link then shows the error page', async () => {
      const ten = await createTenant(t, { passwordValidationRules: { minLength: 10 } }, mailbox);
      const email = `reset-${backend.name}@example.com`;
      await ten.addUser({ username: `reset-${backend.name}`, email, password: 'original-password' });
      const started = await ten.forgot(email);
      assert.equal(started.status, 200, started.text);
      const link = linkIn((await mailbox.take(email)).text, `/${ten.slug}/password/change`, t.url);

      const { page, problems } = await open();
      const opened = await page.goto(link.href);
      assert.equal(opened?.status(), 200);
      assert.equal(await text(page, 'h1'), en.changePassword.title);
      assert.equal(await page.title(), `${en.changePassword.title} · ${ten.name}`);
      assert.equal(await text(page, 'header'), ten.name);
      assert.ok((await text(page, '.rules')).includes(en.rules.minLength(10)));
      await screenshot(page, `change-password-form-${backend.name}`);

      await page.fill('#password', 'short');
      await page.fill('#confirm', 'short');
      assert.equal(await submit(page), 400);
      assert.equal(await text(page, '.problems'), en.broken.minLength(10));
      await screenshot(page, `change-password-weak-${backend.name}`);

      await page.fill('#password', 'a-much-better-password');
      await page.fill('#confirm', 'a-much-better-password');
      assert.equal(await submit(page), 200);
      assert.equal(await text(page, 'h1'), en.changePassword.doneTitle);
      assert.equal(await text(page, '.message'), en.changePassword.done);
      await screenshot(page, `change-password-done-${backend.name}`);

      assert.equal((await ten.login(email, 'a-much-better-password')).status, 200);
      assert.equal((await ten.login(email, 'original-password')).status, 404);

      const again = await page.goto(link.href);
      assert.equal(again?.status(), 404);
      assert.equal(await text(page, 'h1'), en.errors.linkTitle);
      assert.equal(await page.locator('form').count(), 0);
      await screenshot(page, `change-password-used-${backend.name}`);
      assert.deepEqual(problems, [], 'no CSP violation or script error');
    });

    for (const [language, browserLocale, t9n] of [
      ['English', 'en-US', en],
      ['Turkish', 'tr-TR', tr],
    ] as const) {
      test(`email verification from the mail in ${language}: the link shows a button, the POST verifies, the link is then spent`, async () => {
        const ten = await createTenant(t, { emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() } }, mailbox);
        const email = `verify-${language}-${backend.name}@example.com`.toLowerCase();
        await ten.addUser({ username: `verify-${language}-${backend.name}`, email, password: 'verify-password' });
        const link = linkIn((await mailbox.take(email)).text, `/${ten.slug}/email/verify`, t.url);

        const { page, problems } = await open(browserLocale);
        assert.equal((await page.goto(link.href))?.status(), 200);
        assert.equal(await page.getAttribute('html', 'lang'), t9n.lang);
        assert.equal(await text(page, 'h1'), t9n.verifyEmail.title);
        assert.equal(await text(page, 'button'), t9n.verifyEmail.submit);
        await screenshot(page, `verify-email-form-${t9n.lang}-${backend.name}`);
        assert.equal((await ten.login(email, 'verify-password')).status, 212, 'opening the link verified nothing');

        assert.equal(await submit(page), 200);
        assert.equal(await text(page, 'h1'), t9n.verifyEmail.doneTitle);
        await screenshot(page, `verify-email-done-${t9n.lang}-${backend.name}`);
        assert.equal((await ten.login(email, 'verify-password')).status, 200);

        assert.equal((await page.goto(link.href))?.status(), 404);
        assert.equal(await text(page, 'h1'), t9n.errors.linkTitle);
        await screenshot(page, `verify-email-used-${t9n.lang}-${backend.name}`);
        assert.deepEqual(problems, []);
      });
    }

    test('a tenant name with markup stays text; the stylesheet applies under the CSP', async () => {
      const name = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> ${crypto.randomUUID().slice(0, 6)}`;
      const ten = await createTenant(t, { name }, mailbox);
      await ten.addUser({ username: `inert-${backend.name}`, email: `inert-${backend.name}@example.com`, password: 'inert-password' });
      const { page } = await open('tr-TR');
      const link = new URL(`/${ten.slug}/password/change/${encodeURIComponent(await ten.changeId(`inert-${backend.name}`))}?locale=en`, t.url);
      assert.equal((await page.goto(link.href))?.status(), 200);
      assert.equal(await text(page, 'header'), name);
      assert.equal(await page.title(), `${en.changePassword.title} · ${name}`);
      assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
      assert.equal(await page.locator('main script, main img').count(), 0);
      assert.equal(await page.locator('main').evaluate((main) => (globalThis as unknown as { getComputedStyle(e: unknown): { maxWidth: string } }).getComputedStyle(main).maxWidth), '416px', 'pages.css is applied');
      await screenshot(page, `inert-name-${backend.name}`);
    });
  });
}
