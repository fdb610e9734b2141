/**
 * The account pages over plain HTTP (no browser): security headers, the CSRF cookie, escaping,
 * locales, the change-password and verify-email forms, dead links, other tenants' ids, and bad
 * input of every kind answered by a 4xx page, never a 500.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fromAcceptLanguage, pickLocale, pickLocaleWithUiLocales } from '../../src/pages/i18n/index.js';
import { en } from '../../src/pages/i18n/en.js';
import { tr } from '../../src/pages/i18n/tr.js';
import { CONTENT_SECURITY_POLICY } from '../../src/pages/security.js';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { FormClient, createTenant, textOf } from './support.js';

describe('page locales', () => {
  test('Accept-Language: the known language with the highest weight; unknown ones and q=0 are passed over', () => {
    assert.equal(fromAcceptLanguage('tr-TR,tr;q=0.9,en;q=0.8'), 'tr');
    assert.equal(fromAcceptLanguage('de-DE, en;q=0.5'), 'en');
    assert.equal(fromAcceptLanguage('en;q=0.3, TR;q=0.8'), 'tr');
    assert.equal(fromAcceptLanguage('tr;q=0, en;q=0.1'), 'en');
    assert.equal(fromAcceptLanguage('de, fr'), undefined);
    assert.equal(fromAcceptLanguage(''), undefined);
    assert.equal(fromAcceptLanguage(undefined), undefined);
  });

  test('?locale= first, then Accept-Language, then English', () => {
    assert.equal(pickLocale({ locale: 'tr' }, 'en').locale, 'tr');
    assert.equal(pickLocale({ locale: 'tr' }, 'en').fromQuery, true);
    assert.equal(pickLocale({ locale: 'xx' }, 'tr').locale, 'tr');
    assert.equal(pickLocale({ locale: ['tr', 'en'] }, undefined).locale, 'en');
    assert.equal(pickLocale({}, undefined).locale, 'en');
  });

  test('a sign-in’s ui_locales come first (its first known tag), then ?locale= and Accept-Language', () => {
    assert.equal(pickLocaleWithUiLocales('de tr-TR en', { locale: 'en' }, 'en').locale, 'tr');
    assert.equal(pickLocaleWithUiLocales('de fr', { locale: 'tr' }, 'en').locale, 'tr');
    assert.equal(pickLocaleWithUiLocales(undefined, {}, 'tr-TR').locale, 'tr');
    assert.equal(pickLocaleWithUiLocales(['tr'], {}, undefined).locale, 'en', 'only a string is read');
    assert.equal(pickLocaleWithUiLocales(`${'x '.repeat(200)}tr`, {}, undefined).locale, 'en', 'an absurdly long one is not read');
  });

  test('every catalogue has every message of the English one', () => {
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : typeof value;
    assert.deepEqual(shape(tr), shape(en));
  });
});

for (const backend of backends()) {
  describe(`pages over HTTP on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    const changePath = (slug: string, id: string) => `/${slug}/password/change/${encodeURIComponent(id)}`;
    const verifyPath = (slug: string, id: string) => `/${slug}/email/verify/${encodeURIComponent(id)}`;

    test('pages send a strict CSP, no framing, no caching, no referrer; the stylesheet is ours and cacheable', async () => {
      const ten = await createTenant(t);
      await ten.addUser({ username: 'hdr', email: 'hdr@example.com', password: 'hdr-password' });
      const browser = new FormClient(t.url);
      for (const path of [changePath(ten.slug, await ten.changeId('hdr')), verifyPath(ten.slug, await ten.verificationId('hdr@example.com')), changePath(ten.slug, 'dead'), '/no-such-tenant/email/verify/x']) {
        const r = await browser.get(path);
        const csp = r.headers.get('content-security-policy') ?? '';
        assert.equal(csp, CONTENT_SECURITY_POLICY, path);
        for (const directive of ["default-src 'none'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"]) assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
        assert.ok(!/script-src|unsafe-inline/.test(csp));
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
        assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
        assert.ok(!/<script/i.test(r.html), 'no script on any page');
        const href = /<link rel="stylesheet" href="([^"]+)">/.exec(r.html)?.[1];
        assert.equal(new URL(href!, t.url + path).pathname, '/assets/pages.css');
      }
      const css = await fetch(`${t.url}/assets/pages.css`);
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
      assert.match(css.headers.get('cache-control') ?? '', /max-age=\d+/);
      assert.match(await css.text(), /\.card\s*\{/);
    });

    test('the CSRF cookie is HttpOnly, SameSite=Lax and scoped to the tenant’s path; not Secure over http', async () => {
      const ten = await createTenant(t);
      await ten.addUser({ username: 'ck', email: 'ck@example.com', password: 'ck-password' });
      const r = await fetch(t.url + changePath(ten.slug, await ten.changeId('ck')));
      const [cookie] = r.headers.getSetCookie();
      assert.ok(cookie, 'a cookie is set');
      const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
      assert.ok(attributes.includes('httponly'), cookie);
      assert.ok(attributes.includes('samesite=lax'), cookie);
      assert.ok(attributes.includes(`path=/${ten.slug}/`), cookie);
      assert.ok(!attributes.includes('secure'), cookie);
    });

    test('a tenant name with markup renders inert: escaped in the title and the heading', async () => {
      const ten = await createTenant(t, { name: `<script>alert("x")</script> & <b>Co</b> ${Math.random()}` });
      await ten.addUser({ username: 'esc', email: 'esc@example.com', password: 'esc-password' });
      const r = await new FormClient(t.url).get(changePath(ten.slug, await ten.changeId('esc')));
      assert.equal(r.status, 200);
      assert.ok(!r.html.includes('<script>'), r.html);
      assert.ok(!r.html.includes('<b>Co</b>'), r.html);
      assert.ok(r.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;'), r.html);
      assert.equal(textOf(r.html, 'title'), `${en.changePassword.title} · ${ten.name}`);
      assert.equal(textOf(r.html, 'header'), ten.name);
    });

    test('change password: mismatch and each broken rule are shown without spending the id; success once; then the error page', async () => {
      const ten = await createTenant(t, { passwordValidationRules: { minLength: 12, requireMixedCase: true, requireNumber: true, requireNonAlpha: true } });
      await ten.addUser({ username: 'cpw', email: 'cpw@example.com', password: 'Old-password-1' });
      const path = changePath(ten.slug, await ten.changeId('cpw'));
      const browser = new FormClient(t.url);
      const form = await browser.get(path);
      assert.equal(form.status, 200);
      assert.equal(textOf(form.html, 'h1'), en.changePassword.title);
      for (const rule of [en.rules.minLength(12), en.rules.upperCase(1), en.rules.lowerCase(1), en.rules.number(1), en.rules.nonAlpha()]) assert.ok(form.html.includes(rule), rule);
      assert.ok(form.csrf);

      const mismatch = await browser.post(path, { _csrf: form.csrf!, password: 'New-password-12', confirm: 'New-password-13' });
      assert.equal(mismatch.status, 400);
      assert.equal(textOf(mismatch.html, 'div'), en.changePassword.mismatch);

      const missing = await browser.post(path, { _csrf: form.csrf!, password: 'New-password-12' });
      assert.equal(missing.status, 400);
      assert.equal(textOf(missing.html, 'div'), en.changePassword.missing);

      const weak = await browser.post(path, { _csrf: form.csrf!, password: 'weak', confirm: 'weak' });
      assert.equal(weak.status, 400);
      const shown = [...textOf(weak.html, 'div').matchAll(/\S[^\n]*/g)].map((m) => m[0]);
      assert.deepEqual(shown.sort(), [en.broken.minLength(12), en.broken.upperCase(1), en.broken.number(1), en.broken.nonAlpha()].sort());
      assert.ok(weak.csrf, 'the form is shown again');

      const ok = await browser.post(path, { _csrf: weak.csrf!, password: 'New-password-12', confirm: 'New-password-12' });
      assert.equal(ok.status, 200, ok.html);
      assert.equal(textOf(ok.html, 'h1'), en.changePassword.doneTitle);
      assert.equal((await ten.login('cpw', 'New-password-12')).status, 200);
      assert.equal((await ten.login('cpw', 'Old-password-1')).status, 404);

      const again = await browser.get(path);
      assert.equal(again.status, 404);
      assert.equal(textOf(again.html, 'h1'), en.errors.linkTitle);
      assert.equal(again.csrf, undefined, 'no form for a used link');
      const repost = await browser.post(path, { _csrf: form.csrf!, password: 'Newer-password-12', confirm: 'Newer-password-12' });
      assert.equal(repost.status, 404);
      assert.equal((await ten.login('cpw', 'New-password-12')).status, 200, 'the used link changed nothing');
    });

    test('a remembered password is refused with its own message', async () => {
      const ten = await createTenant(t, { passwordValidationRules: { rememberPreviousPasswords: { enabled: true, count: 3 } } });
      await ten.addUser({ username: 'hist', email: 'hist@example.com', password: 'history-password' });
      const path = changePath(ten.slug, await ten.changeId('hist'));
      const browser = new FormClient(t.url);
      const form = await browser.get(path);
      assert.ok(form.html.includes(en.rules.previous(3)));
      const reused = await browser.post(path, { _csrf: form.csrf!, password: 'history-password', confirm: 'history-password' });
      assert.equal(reused.status, 400);
      assert.equal(textOf(reused.html, 'div'), en.broken.previous(3));
    });

    test('verify email: GET spends nothing (a mail scanner may fetch it), the POST verifies once', async () => {
      const ten = await createTenant(t, { emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() } });
      await ten.addUser({ username: 'ver', email: 'ver@example.com', password: 'ver-password' });
      assert.equal((await ten.login('ver', 'ver-password')).status, 212);
      const path = verifyPath(ten.slug, await ten.verificationId('ver@example.com'));
      const scanner = await new FormClient(t.url).get(path);
      assert.equal(scanner.status, 200);
      const browser = new FormClient(t.url);
      const page = await browser.get(path);
      assert.equal(page.status, 200);
      assert.equal(textOf(page.html, 'h1'), en.verifyEmail.title);
      assert.equal((await ten.login('ver', 'ver-password')).status, 212, 'GETs verified nothing');
      const done = await browser.post(path, { _csrf: page.csrf! });
      assert.equal(done.status, 200);
      assert.equal(textOf(done.html, 'h1'), en.verifyEmail.doneTitle);
      assert.equal((await ten.login('ver', 'ver-password')).status, 200);
      const again = await browser.get(path);
      assert.equal(again.status, 404);
      assert.equal(textOf(again.html, 'h1'), en.errors.linkTitle);
      assert.equal((await browser.post(path, { _csrf: page.csrf! })).status, 404);
    });

    test('Turkish by ?locale=tr or Accept-Language, with the page’s lang; English otherwise', async () => {
      const ten = await createTenant(t);
      await ten.addUser({ username: 'loc', email: 'loc@example.com', password: 'loc-password' });
      const path = verifyPath(ten.slug, await ten.verificationId('loc@example.com'));
      const browser = new FormClient(t.url);
      const byQuery = await browser.get(`${path}?locale=tr`, { 'accept-language': 'en' });
      assert.equal(textOf(byQuery.html, 'h1'), tr.verifyEmail.title);
      assert.match(byQuery.html, /<html lang="tr">/);
      assert.equal(byQuery.headers.get('content-language'), 'tr');
      const byHeader = await browser.get(path, { 'accept-language': 'tr-TR,tr;q=0.9,en;q=0.5' });
      assert.equal(textOf(byHeader.html, 'h1'), tr.verifyEmail.title);
      assert.equal(textOf((await browser.get(path, { 'accept-language': 'de' })).html, 'h1'), en.verifyEmail.title);
      assert.equal(textOf((await browser.get(`${path}?locale=de`)).html, 'h1'), en.verifyEmail.title);
      const dead = await browser.get(verifyPath(ten.slug, 'dead'), { 'accept-language': 'tr' });
      assert.equal(textOf(dead.html, 'h1'), tr.errors.linkTitle);
      const weak = await createTenant(t, { passwordValidationRules: { minLength: 10 } });
      await weak.addUser({ username: 'locw', email: 'locw@example.com', password: 'locw-password' });
      const cp = changePath(weak.slug, await weak.changeId('locw'));
      const form = await browser.get(`${cp}?locale=tr`);
      const broken = await browser.post(`${cp}?locale=tr`, { _csrf: form.csrf!, password: 'kısa', confirm: 'kısa' });
      assert.equal(textOf(broken.html, 'div'), tr.broken.minLength(10));
    });

    test('an id of another tenant, an unknown id, a huge id, an id with a slash and an unknown tenant are 404 pages', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      await a.addUser({ username: 'own', email: 'own@example.com', password: 'own-password' });
      const id = await a.changeId('own');
      const browser = new FormClient(t.url);
      const tenantPages = await browser.get(changePath(a.slug, 'x'));
      for (const [path, title] of [
        [changePath(b.slug, id), en.errors.linkTitle],
        [changePath(a.slug, 'made-up'), en.errors.linkTitle],
        [changePath(a.slug, 'x'.repeat(8000)), en.errors.linkTitle],
        [`/${a.slug}/password/change/${id}/more`, en.errors.linkTitle],
        [`/${a.slug}/password/change/`, en.errors.linkTitle],
        [`/${a.slug}/email/verify/%00`, en.errors.linkTitle],
        [`/${a.slug}/email/verify/${id}`, en.errors.linkTitle],
        [changePath('no-such-tenant', id), en.errors.notFoundTitle],
        [changePath(crypto.randomUUID(), id), en.errors.notFoundTitle],
      ] as const) {
        const r = await browser.get(path);
        assert.equal(r.status, 404, path);
        assert.equal(textOf(r.html, 'h1'), title, path);
      }
      assert.equal(tenantPages.status, 404);
      const post = await browser.post(changePath(b.slug, id), { _csrf: 'whatever', password: 'Hijacked-password-1', confirm: 'Hijacked-password-1' });
      assert.ok(post.status === 403 || post.status === 404, String(post.status));
      const ok = await browser.get(changePath(a.slug, id));
      assert.equal(ok.status, 200, 'the id still works under its own tenant');
      assert.equal(textOf(ok.html, 'header'), a.name);
    });

    test('a 128-byte randomBytes id (171 characters) opens its page', async () => {
      const ten = await createTenant(t, { externalIdentifierConfiguration: { changePasswordIdGenerator: { type: 'randomBytes', length: 128 } } });
      await ten.addUser({ username: 'long', email: 'long@example.com', password: 'long-password' });
      const id = await ten.changeId('long');
      assert.equal(id.length, 171);
      assert.equal((await new FormClient(t.url).get(changePath(ten.slug, id))).status, 200);
    });

    test('bad input is a 4xx page, never a 500', async () => {
      const ten = await createTenant(t);
      await ten.addUser({ username: 'bad', email: 'bad@example.com', password: 'bad-password' });
      const path = changePath(ten.slug, await ten.changeId('bad'));
      const vpath = verifyPath(ten.slug, await ten.verificationId('bad@example.com'));
      const browser = new FormClient(t.url);
      const form = await browser.get(path);
      const token = form.csrf!;
      const cases: Array<[string, () => Promise<{ status: number; html: string; headers: Headers }>, number, string]> = [
        ['no CSRF token', () => browser.post(path, { password: 'Good-password-1', confirm: 'Good-password-1' }), 403, en.errors.csrfTitle],
        ['a wrong CSRF token', () => browser.post(path, { _csrf: 'forged', password: 'Good-password-1', confirm: 'Good-password-1' }), 403, en.errors.csrfTitle],
        ['a token without its cookie', () => new FormClient(t.url).post(path, { _csrf: token, password: 'Good-password-1', confirm: 'Good-password-1' }), 403, en.errors.csrfTitle],
        ['a repeated CSRF field', () => browser.post(path, `_csrf=${token}&_csrf=${token}&password=a&confirm=a`), 403, en.errors.csrfTitle],
        ['a repeated password field', () => browser.post(path, `_csrf=${token}&password=Good-password-1&password=x&confirm=Good-password-1`), 400, en.changePassword.title],
        ['an empty body', () => browser.post(path, ''), 403, en.errors.csrfTitle],
        ['a malformed form', () => browser.post(path, '%%%=&&=%zz&_csrf'), 403, en.errors.csrfTitle],
        ['a JSON body', () => browser.post(path, JSON.stringify({ _csrf: token, password: 'Good-password-1', confirm: 'Good-password-1' }), { 'content-type': 'application/json' }), 415, en.errors.unsupportedTitle],
        ['a multipart body', () => browser.post(vpath, '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415, en.errors.unsupportedTitle],
        ['an oversized body', () => browser.post(path, `_csrf=${token}&password=${'a'.repeat(1_100_000)}`), 413, en.errors.tooLargeTitle],
        ['a huge password', () => browser.post(path, { _csrf: token, password: 'A1-'.repeat(20_000), confirm: 'A1-'.repeat(20_000) }), 400, en.changePassword.title],
        ['a POST to an unknown tenant', () => browser.post(changePath('no-such-tenant', 'x'), { _csrf: token }), 404, en.errors.notFoundTitle],
      ];
      for (const [what, run, status, title] of cases) {
        const r = await run();
        assert.equal(r.status, status, `${what}: ${r.html}`);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/, what);
        assert.equal(textOf(r.html, 'h1'), title, what);
        assert.equal(r.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, what);
      }
      const still = await browser.post(path, { _csrf: token, password: 'Good-password-1', confirm: 'Good-password-1' });
      assert.equal(still.status, 200, 'none of it spent the id');
    });

    test('tenants named like other routes (tenants, api, assets) get their pages, and those routes still work', async () => {
      for (const name of ['Tenants', 'API', 'Assets']) {
        const ten = await createTenant(t, { name });
        assert.notEqual(ten.slug, name.toLowerCase(), 'a reserved first path segment is never a slug');
        assert.ok(ten.slug.startsWith(name.toLowerCase()), ten.slug);
        await ten.addUser({ username: 'rt', email: 'rt@example.com', password: 'rt-password' });
        const r = await new FormClient(t.url).get(changePath(ten.slug, await ten.changeId('rt')));
        assert.equal(r.status, 200, ten.slug);
        assert.equal(textOf(r.html, 'header'), name);
        const vault = await t.fetch(`/tenants/${ten.slug}/users`, { headers: { authorization: `Bearer ${t.apiKey}` } });
        assert.equal(vault.status, 200);
        assert.equal(vault.body.total_count, 1);
      }
      assert.equal((await fetch(`${t.url}/assets/pages.css`)).status, 200);
      assert.equal((await t.fetch('/api/status')).status, 200);
    });
  });

  describe(`pages behind https on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend, { publicUrl: 'https://id.tessera.test' });
    });
    after(async () => {
      await t?.stop();
    });

    test('the CSRF cookie is Secure when PUBLIC_URL is https', async () => {
      const ten = await createTenant(t);
      await ten.addUser({ username: 'sec', email: 'sec@example.com', password: 'sec-password' });
      const r = await fetch(`${t.url}/${ten.slug}/email/verify/${encodeURIComponent(await ten.verificationId('sec@example.com'))}`);
      const [cookie] = r.headers.getSetCookie();
      assert.ok(cookie?.split(';').map((a) => a.trim().toLowerCase()).includes('secure'), cookie);
    });
  });
}
