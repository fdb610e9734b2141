/**
 * The hosted pages of a tenant's OpenID Provider over plain HTTP, as a browser without
 * JavaScript drives them (forms, cookies, redirects), with openid-client as the relying party:
 * the consent page of a consent_required client (Allow → code, remembered; Deny →
 * access_denied at the redirect URI), sign-up (rules, refusals, signed in and the authorization
 * continuing; with email verification the same answer for a taken address), forgot password
 * (a real mail, the same answer for an unknown account), the engine's logout, signed-out and
 * error pages drawn by the page layer, branding in the page and its CSP, Turkish by ui_locales.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { TenantSettings } from '../../src/core/tenants/settings.js';
import { MAIL_ACTIONS_PER_IP } from '../../src/core/account/mail-throttle.js';
import { en } from '../../src/pages/i18n/en.js';
import { tr } from '../../src/pages/i18n/tr.js';
import { CONTENT_SECURITY_POLICY } from '../../src/pages/security.js';
import { backends } from '../support/backends.js';
import { Browser, actionOf, csrfOf } from '../support/form-browser.js';
import { Mailbox } from '../support/mailbox.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { FormClient, type PageTenant, createTenant, linkIn, textOf } from './support.js';

const REDIRECT = 'https://rp.example/callback';
const BYE = 'https://rp.example/bye';
const PASSWORD = 'Analytical-Engine-1843';

/** The items of the list inside the first element with this class (the scopes asked for, the problems shown). */
function itemsIn(html: string, className: string): string[] {
  const block = new RegExp(`class="${className}"[^>]*>([\\s\\S]*?)</(?:ul|div)>`).exec(html)?.[1] ?? '';
  return [...block.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.trim());
}
/** The problem a form page shows (its alert box), as text. */
const problemOf = (html: string) => textOf(/<div class="problems"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '<div></div>', 'div');
const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';
const hrefOf = (html: string, id: string) => new RegExp(`id="${id}" href="([^"]+)"`).exec(html)?.[1];

for (const backend of backends()) {
  describe(`hosted sign-in pages over HTTP on ${backend.name}`, () => {
    let t: TestServer;
    let mailbox: Mailbox;
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });

    before(async () => {
      mailbox = await Mailbox.start();
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
    });
    after(async () => {
      await t?.stop();
      await mailbox?.stop();
    });

    /** A tenant (mail to the test mailbox) with one verified user; `settings` changes its model directly (no API switches sign-up on yet). */
    async function tenant(fa: Record<string, any> = {}, settings?: (s: TenantSettings) => void): Promise<PageTenant> {
      const ten = await createTenant(t, fa, mailbox);
      if (settings) await t.server.tenants.update({}, ten.id, (current) => {
        const next = structuredClone(current.settings);
        settings(next);
        return { name: current.name, settings: next };
      });
      await ten.addUser({ username: 'ada', email: `ada@${ten.slug}.example`, password: PASSWORD, is_verified: true });
      return ten;
    }

    /** A client of the tenant through the Vault API, and openid-client configured for it. */
    async function app(ten: PageTenant, fields: Record<string, unknown> = {}) {
      const clientId = `rp-${crypto.randomUUID().slice(0, 8)}`;
      const made = await t.fetch('/clients', {
        method: 'POST',
        headers: bearer(),
        body: { tenant_id: ten.slug, client_id: clientId, name: 'The RP', redirect_uris: [REDIRECT], post_logout_redirect_uri: [BYE], allowed_scopes: ['openid', 'email', 'profile', 'roles'], token_endpoint_auth_method: 'client_secret_basic', ...fields },
      });
      assert.equal(made.status, 200, made.text);
      const config = await client.discovery(new URL(`${t.url}/${ten.slug}`), clientId, undefined, client.ClientSecretBasic(made.body.client_secret), { execute: [client.allowInsecureRequests] });
      return { clientId, config };
    }

    /** Starts an authorization in `browser`; answers the page it lands on, or where it left our origin. */
    async function authorize(browser: Browser, config: client.Configuration, extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...extra });
      const landed = await browser.follow(await browser.request(url.href));
      return { verifier, state, landed, html: landed.location ? '' : await landed.response.text() };
    }

    /** Posts a page's form (its action, its CSRF token) and follows the answer. */
    async function post(browser: Browser, html: string, fields: Record<string, string>, action = actionOf(html)) {
      const answer = await browser.follow(await browser.request(action, { method: 'POST', form: { _csrf: csrfOf(html), ...fields } }));
      return { ...answer, html: answer.location ? '' : await answer.response.text() };
    }

    const signIn = (browser: Browser, html: string, login: string, password = PASSWORD) => post(browser, html, { login, password });

    test('a consent_required client gets the consent page: scopes in words, name, logo and links; Allow gives the code, and the grant is remembered', async () => {
      const ten = await tenant();
      const rp = await app(ten, { consent_required: true, logo_uri: 'https://cdn.rp.example/logo.png', op_policy_url: 'https://rp.example/privacy', op_tos_url: 'https://rp.example/terms', client_uri: 'https://rp.example/' });
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      assert.equal(start.landed.response.status, 200);
      assert.equal(textOf(start.html, 'h1'), en.login.title);
      assert.ok(start.html.includes(en.login.intro('The RP')), 'the login page names the client');

      const consent = await signIn(browser, start.html, `ada@${ten.slug}.example`);
      assert.equal(consent.response.status, 200, consent.html);
      assert.equal(textOf(consent.html, 'h1'), en.consent.title);
      assert.ok(consent.html.includes(en.consent.intro('The RP', ten.name)), consent.html);
      assert.ok(consent.html.includes(en.consent.signedInAs(`ada@${ten.slug}.example`)));
      assert.deepEqual(itemsIn(consent.html, 'scopes').sort(), [en.consent.scopes.openid, en.consent.scopes.email, en.consent.scopes.profile].sort());
      assert.match(consent.html, /<img class="client-logo" src="https:\/\/cdn\.rp\.example\/logo\.png"/);
      assert.match(consent.html, /href="https:\/\/rp\.example\/privacy"[^>]*>Privacy policy</);
      assert.match(consent.html, /href="https:\/\/rp\.example\/terms"[^>]*>Terms of service</);
      const csp = consent.response.headers.get('content-security-policy') ?? '';
      assert.equal(directive(csp, 'img-src'), "img-src 'self' https://cdn.rp.example", 'the client logo’s origin, nothing wider');
      assert.equal(directive(csp, 'form-action'), "form-action 'self' https://rp.example", 'Allow and Deny end at the redirect URI');

      const allowed = await post(browser, consent.html, { decision: 'allow' });
      assert.ok(allowed.location?.startsWith(REDIRECT), `back at the client, not ${allowed.response.status} ${allowed.html}`);
      const tokens = await client.authorizationCodeGrant(rp.config, new URL(allowed.location!), { pkceCodeVerifier: start.verifier, expectedState: start.state });
      const info = await client.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.email, `ada@${ten.slug}.example`, 'the allowed email scope releases the address');

      const again = await authorize(browser, rp.config);
      assert.ok(again.landed.location?.startsWith(REDIRECT), 'no page the second time for the same scopes');
      const more = await authorize(browser, rp.config, { scope: 'openid email profile roles' });
      assert.equal(textOf(more.html, 'h1'), en.consent.title, 'a new scope is asked for');
      assert.deepEqual(itemsIn(more.html, 'scopes'), [en.consent.scopes.roles], 'only what is not granted yet');
    });

    test('Deny ends the authorization with access_denied at the client’s redirect URI', async () => {
      const ten = await tenant();
      const rp = await app(ten, { consent_required: true });
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const consent = await signIn(browser, start.html, 'ada');
      assert.equal(textOf(consent.html, 'h1'), en.consent.title);
      const denied = await post(browser, consent.html, { decision: 'deny' });
      assert.ok(denied.location, `${denied.response.status} ${denied.html}`);
      const back = new URL(denied.location!);
      assert.equal(back.origin + back.pathname, REDIRECT);
      assert.equal(back.searchParams.get('error'), 'access_denied');
      assert.equal(back.searchParams.get('state'), start.state);
      assert.equal(back.searchParams.get('code'), null);
      await assert.rejects(client.authorizationCodeGrant(rp.config, back, { pkceCodeVerifier: start.verifier, expectedState: start.state }), (e: any) => e.error === 'access_denied', 'the relying party receives the error');
      const next = await authorize(browser, rp.config);
      assert.equal(textOf(next.html, 'h1'), en.consent.title, 'a denial is not remembered as a grant');
    });

    test('a first-party client (the default) is granted without a page; consent bad input is a 4xx page', async () => {
      const ten = await tenant();
      const first = await app(ten);
      const browser = new Browser(t.url);
      const start = await authorize(browser, first.config);
      const signedIn = await signIn(browser, start.html, 'ada');
      assert.ok(signedIn.location?.startsWith(REDIRECT), 'straight back to the client');

      const third = await app(ten, { consent_required: true });
      const page = await authorize(browser, third.config);
      assert.equal(textOf(page.html, 'h1'), en.consent.title, 'the same session: consent only');
      const action = actionOf(page.html);
      const noDecision = await post(browser, page.html, {});
      assert.equal(noDecision.response.status, 400);
      assert.equal(textOf(noDecision.html, 'h1'), en.consent.title, 'the question again');
      const odd = await post(browser, page.html, { decision: 'maybe' }, action);
      assert.equal(odd.response.status, 400);
      const noToken = await browser.request(action, { method: 'POST', form: { decision: 'allow' } });
      assert.equal(noToken.status, 403);
      assert.equal(textOf(await noToken.text(), 'h1'), en.errors.csrfTitle);
      const stranger = await new Browser(t.url).request(action, { method: 'POST', form: { _csrf: csrfOf(page.html), decision: 'allow' } });
      assert.equal(stranger.status, 403, 'another browser has neither the CSRF cookie nor the interaction');
    });

    test('Turkish consent page by ui_locales=tr', async () => {
      const ten = await tenant();
      const rp = await app(ten, { consent_required: true });
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config, { ui_locales: 'tr' });
      assert.equal(textOf(start.html, 'h1'), tr.login.title);
      const consent = await signIn(browser, start.html, 'ada');
      assert.equal(textOf(consent.html, 'h1'), tr.consent.title);
      assert.match(consent.html, /<html lang="tr">/);
      assert.equal(consent.response.headers.get('content-language'), 'tr');
      assert.ok(consent.html.includes(tr.consent.scopes.email));
      assert.ok(consent.html.includes(`>${tr.consent.allow}<`) && consent.html.includes(`>${tr.consent.deny}<`));
    });

    test('sign-up is offered only when the tenant allows it and the client offers it', async () => {
      const closedTenant = await tenant();
      const open = await tenant({}, (s) => (s.registration.selfServiceEnabled = true));
      for (const [ten, registerEnable, offered] of [[closedTenant, true, false], [open, false, false], [open, true, true]] as const) {
        const rp = await app(ten, { register_enable: registerEnable });
        const browser = new Browser(t.url);
        const start = await authorize(browser, rp.config);
        const href = hrefOf(start.html, 'create-account');
        assert.equal(Boolean(href), offered, `tenant ${ten === open ? 'open' : 'closed'}, client register_enable ${registerEnable}`);
        const base = new URL(start.landed.response.url).pathname;
        const page = await browser.request(`${base}/register`);
        assert.equal(page.status, offered ? 200 : 404);
        if (offered) assert.equal(href, `${base}/register`);
      }
    });

    test('sign-up without email verification: rules shown, refusals listed, then signed in and the authorization continues; a taken address is said so', async () => {
      const ten = await tenant({ passwordValidationRules: { minLength: 12, requireMixedCase: true, requireNumber: true } }, (s) => (s.registration.selfServiceEnabled = true));
      const rp = await app(ten, { register_enable: true });
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const form = await browser.request(hrefOf(start.html, 'create-account')!);
      const html = await form.text();
      assert.equal(textOf(html, 'h1'), en.register.title);
      for (const rule of [en.rules.minLength(12), en.rules.upperCase(1), en.rules.lowerCase(1), en.rules.number(1)]) assert.ok(html.includes(rule), rule);

      const email = `grace@${ten.slug}.example`;
      const mismatch = await post(browser, html, { email, password: 'Compiler-1952-a', confirm: 'Compiler-1952-b' });
      assert.equal(mismatch.response.status, 400);
      assert.equal(problemOf(mismatch.html), en.register.mismatch);
      assert.ok(mismatch.html.includes(`value="${email}"`), 'the address is kept');
      const weak = await post(browser, html, { email, password: 'weak', confirm: 'weak' });
      assert.equal(weak.response.status, 400);
      assert.deepEqual(itemsIn(weak.html, 'problems').sort(), [en.broken.minLength(12), en.broken.upperCase(1), en.broken.number(1)].sort());
      const badEmail = await post(browser, html, { email: 'not-an-address', password: 'Compiler-1952-a', confirm: 'Compiler-1952-a' });
      assert.equal(badEmail.response.status, 400);
      assert.equal(problemOf(badEmail.html), en.register.invalidEmail);
      const missing = await post(browser, html, { email });
      assert.equal(missing.response.status, 400);
      assert.equal(problemOf(missing.html), en.register.missing);
      assert.equal((await ten.login(email, 'Compiler-1952-a')).status, 404, 'no refusal created an account');

      const created = await post(browser, html, { email, password: 'Compiler-1952-a', confirm: 'Compiler-1952-a' });
      assert.ok(created.location?.startsWith(REDIRECT), `signed in and back at the client, not ${created.response.status} ${created.html}`);
      const tokens = await client.authorizationCodeGrant(rp.config, new URL(created.location!), { pkceCodeVerifier: start.verifier, expectedState: start.state });
      const info = await client.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.email, email);
      assert.equal(info.email_verified, false, 'nobody verified the address');
      assert.equal((await ten.login(email, 'Compiler-1952-a')).status, 200, 'the account signs in with its password');

      const other = new Browser(t.url);
      const second = await authorize(other, rp.config);
      const secondForm = await (await other.request(hrefOf(second.html, 'create-account')!)).text();
      const taken = await post(other, secondForm, { email: email.toUpperCase(), password: 'Another-1952-aa', confirm: 'Another-1952-aa' });
      assert.equal(taken.response.status, 409);
      assert.equal(problemOf(taken.html), en.register.emailTaken);
      assert.equal((await ten.login(email, 'Another-1952-aa')).status, 404, 'the account was not touched');
    });

    test('sign-up with email verification: the same answer whether or not the address is taken; the mail’s link verifies, then sign-in works', async () => {
      const ten = await tenant({ emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() } }, (s) => (s.registration.selfServiceEnabled = true));
      const rp = await app(ten, { register_enable: true });
      const register = async (email: string) => {
        const browser = new Browser(t.url);
        const start = await authorize(browser, rp.config);
        const form = await (await browser.request(hrefOf(start.html, 'create-account')!)).text();
        const answer = await post(browser, form, { email, password: 'Verify-me-2024', confirm: 'Verify-me-2024' });
        return { browser, start, answer, base: hrefOf(start.html, 'create-account')!.replace(/\/register$/, '') };
      };
      const email = `lin@${ten.slug}.example`;
      const fresh = await register(email);
      assert.equal(fresh.answer.response.status, 200, fresh.answer.html);
      assert.equal(textOf(fresh.answer.html, 'h1'), en.register.checkEmailTitle);
      assert.match((await mailbox.take(email)).text, /\/email\/verify\//, 'the sign-up mail');

      const early = await signIn(fresh.browser, (await (await fresh.browser.request(fresh.base)).text()), email, 'Verify-me-2024');
      assert.equal(early.response.status, 403);
      assert.equal(problemOf(early.html), en.login.verifyEmail, 'no sign-in before the address is verified');

      const taken = await register(email);
      const comparable = (r: typeof fresh) => ({ status: r.answer.response.status, html: r.answer.html.replaceAll(r.base, 'BASE') });
      assert.deepEqual(comparable(taken), comparable(fresh), 'a taken address gets exactly the same page');
      // The unverified owner gets the link again (a new one: it replaces the first).
      const verifyLink = linkIn((await mailbox.take(email)).text, '/email/verify', t.url);
      const verifiedOwner = await register(`ada@${ten.slug}.example`);
      assert.deepEqual(comparable(verifiedOwner), comparable(fresh), 'and so does a verified account’s address');
      assert.equal((await ten.login(`ada@${ten.slug}.example`, PASSWORD)).status, 200, 'whose password is unchanged');

      const verifyPage = new FormClient(t.url);
      const confirm = await verifyPage.get(verifyLink.pathname);
      assert.equal((await verifyPage.post(verifyLink.pathname, { _csrf: confirm.csrf! })).status, 200);
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const done = await signIn(browser, start.html, email, 'Verify-me-2024');
      assert.ok(done.location?.startsWith(REDIRECT), `${done.response.status} ${done.html}`);
    });

    test('sign-up and forgot password share one allowance per client address and tenant: past it the page is 429 and nothing starts; another tenant counts apart', async () => {
      const ten = await tenant({}, (s) => (s.registration.selfServiceEnabled = true));
      const rp = await app(ten, { register_enable: true });
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const forgot = await (await browser.request(hrefOf(start.html, 'forgot-password')!)).text();
      for (let i = 0; i < MAIL_ACTIONS_PER_IP.maxAttempts; i++) {
        assert.equal((await post(browser, forgot, { login: `nobody-${i}@${ten.slug}.example` })).response.status, 200, `request ${i + 1} is within the allowance`);
      }
      const refused = await post(browser, forgot, { login: `ada@${ten.slug}.example` });
      assert.equal(refused.response.status, 429);
      assert.equal(textOf(refused.html, 'h1'), en.errors.tooManyTitle);
      const signUp = await (await browser.request(hrefOf(start.html, 'create-account')!)).text();
      const email = `grace@${ten.slug}.example`;
      const refusedSignUp = await post(browser, signUp, { email, password: 'Compiler-1952-a', confirm: 'Compiler-1952-a' });
      assert.equal(refusedSignUp.response.status, 429);
      assert.equal((await ten.login(email, 'Compiler-1952-a')).status, 404, 'no account was made');

      const other = await tenant();
      const otherRp = await app(other);
      const elsewhere = new Browser(t.url);
      const otherStart = await authorize(elsewhere, otherRp.config);
      const otherForgot = await (await elsewhere.request(hrefOf(otherStart.html, 'forgot-password')!)).text();
      assert.equal((await post(elsewhere, otherForgot, { login: 'ada' })).response.status, 200);
      await mailbox.take(`ada@${other.slug}.example`);
    });

    test('forgot password: the link is on the login page; a real mail for an account, the same page for none; the new password signs in', async () => {
      const ten = await tenant();
      const rp = await app(ten);
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const forgotHref = hrefOf(start.html, 'forgot-password');
      assert.ok(forgotHref, 'forgotPasswordEnabled is on by default');
      const form = await (await browser.request(forgotHref!)).text();
      assert.equal(textOf(form, 'h1'), en.forgot.title);
      const known = await post(browser, form, { login: `ada@${ten.slug}.example` });
      assert.equal(known.response.status, 200);
      assert.equal(textOf(known.html, 'h1'), en.forgot.sentTitle);
      assert.match((await mailbox.take(`ada@${ten.slug}.example`)).text, /\/password\/change\//);
      const unknown = await post(browser, form, { login: `nobody@${ten.slug}.example` });
      assert.equal(unknown.response.status, 200);
      assert.equal(unknown.html, known.html, 'an unknown account gets the very same page');
      const empty = await post(browser, form, { login: '  ' });
      assert.equal(empty.response.status, 400);
      assert.equal(problemOf(empty.html), en.forgot.missing);
      // By username too; this link replaces the first one (a new id revokes the older ones).
      const byUsername = await post(browser, form, { login: 'ada' });
      assert.equal(byUsername.html, known.html);
      const mail = await mailbox.take(`ada@${ten.slug}.example`);
      const change = linkIn(mail.text, '/password/change', t.url);
      const pages = new FormClient(t.url);
      const changeForm = await pages.get(change.pathname);
      const changed = await pages.post(change.pathname, { _csrf: changeForm.csrf!, password: 'Brand-new-password-1', confirm: 'Brand-new-password-1' });
      assert.equal(changed.status, 200, changed.html);
      const login = await (await browser.request(start.landed.response.url)).text();
      const back = await signIn(browser, login, 'ada', 'Brand-new-password-1');
      assert.ok(back.location?.startsWith(REDIRECT), 'the authorization continues with the new password');

      const off = await tenant({}, (s) => (s.registration.forgotPasswordEnabled = false));
      const offBrowser = new Browser(t.url);
      const offStart = await authorize(offBrowser, (await app(off)).config);
      assert.equal(hrefOf(offStart.html, 'forgot-password'), undefined, 'no link when the tenant switched the flow off');
      assert.equal((await offBrowser.request(`${new URL(offStart.landed.response.url).pathname}/forgot`)).status, 404);
    });

    test('logout: our confirmation page keeps the engine’s xsrf form, in Turkish by ui_locales; yes ends at the post-logout URI; then the signed-out page', async () => {
      const ten = await tenant();
      const rp = await app(ten);
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const back = await signIn(browser, start.html, 'ada');
      const tokens = await client.authorizationCodeGrant(rp.config, new URL(back.location!), { pkceCodeVerifier: start.verifier, expectedState: start.state });

      const endSession = client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE, state: 'see-you', ui_locales: 'tr' });
      const confirm = await browser.request(endSession.href);
      const html = await confirm.text();
      assert.equal(confirm.status, 200);
      assert.equal(textOf(html, 'h1'), tr.logout.title);
      assert.ok(html.includes(tr.logout.question(ten.name)));
      assert.match(html, /<header class="tenant">/, 'the page layer’s layout');
      const engineForm = /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/><\/form>/.exec(html);
      assert.ok(engineForm, html);
      assert.match(html, /<button type="submit" form="op\.logoutForm" name="logout" value="yes"/);
      const csp = confirm.headers.get('content-security-policy') ?? '';
      assert.equal(directive(csp, 'form-action'), "form-action 'self' https://rp.example", 'the confirm redirects to the post-logout URI');
      assert.ok(csp.includes("default-src 'none'") && csp.includes("frame-ancestors 'none'") && !/script-src|unsafe-inline/.test(csp), csp);
      assert.equal(confirm.headers.get('x-frame-options'), 'DENY');
      assert.ok(!/<script/i.test(html), 'no script');

      const forged = await browser.request(engineForm[1]!, { method: 'POST', form: { xsrf: 'forged', logout: 'yes' } });
      assert.equal(forged.status, 400, 'the engine still checks its xsrf');
      const yes = await browser.request(engineForm[1]!, { method: 'POST', form: { xsrf: engineForm[2]!, logout: 'yes' } });
      assert.equal(yes.status, 303);
      const location = new URL(yes.headers.get('location')!);
      assert.equal(location.origin + location.pathname, BYE);
      assert.equal(location.searchParams.get('state'), 'see-you');
      const signedOut = await authorize(browser, rp.config);
      assert.equal(textOf(signedOut.html, 'h1'), en.login.title, 'signed out: the password is asked again');

      // Without a post-logout URI the engine ends at its own signed-out page: ours.
      const again = await signIn(browser, signedOut.html, 'ada');
      const second = await client.authorizationCodeGrant(rp.config, new URL(again.location!), { pkceCodeVerifier: signedOut.verifier, expectedState: signedOut.state });
      const plain = await (await browser.request(client.buildEndSessionUrl(rp.config, { id_token_hint: second.id_token! }).href)).text();
      const form = /action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"/.exec(plain)!;
      const done = await browser.follow(await browser.request(form[1]!, { method: 'POST', form: { xsrf: form[2]!, logout: 'yes' } }));
      const donePage = await done.response.text();
      assert.equal(done.response.status, 200);
      assert.equal(textOf(donePage, 'h1'), en.logout.doneTitle);
      assert.equal(done.response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    });

    test('the engine’s error page is the page layer’s: themed, escaped, localised, strict headers', async () => {
      const ten = await tenant({ name: `<b>Errors</b> & Co ${crypto.randomUUID().slice(0, 6)}` });
      const rp = await app(ten);
      const bad = client.buildAuthorizationUrl(rp.config, { redirect_uri: 'https://evil.example/cb', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      for (const [language, messages] of [['en', en], ['tr', tr]] as const) {
        const r = await fetch(bad, { headers: { 'accept-language': language }, redirect: 'manual' });
        const html = await r.text();
        assert.equal(r.status, 400, html);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(textOf(html, 'h1'), messages.engineError.title);
        assert.ok(html.includes('<code>invalid_redirect_uri</code>'), html);
        assert.equal(textOf(html, 'header'), ten.name, 'the tenant’s name, as text');
        assert.ok(!html.includes('<b>Errors</b>'));
        assert.equal(r.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
        assert.ok(!/fonts\.googleapis|<script/i.test(html), 'nothing loads from elsewhere');
      }
      const unknownClient = await fetch(`${t.url}/${ten.slug}/auth?client_id=nobody&response_type=code&scope=openid`, { redirect: 'manual' });
      assert.equal(unknownClient.status, 400);
      assert.ok((await unknownClient.text()).includes('<code>invalid_client</code>'));
    });

    test('branding: colours in a nonce’d style block the CSP allows, the logo in img-src; on the sign-in, account and engine pages alike', async () => {
      const ten = await tenant();
      const rp = await app(ten, { logo_uri: 'http://rp.example/plain-http-logo.png' });
      const set = await t.fetch(`/tenants/${ten.slug}/branding`, { method: 'PUT', headers: bearer(), body: { logo_url: 'https://cdn.example/brand.svg', primary_color: '#FF6600', background_color: '#101820' } });
      assert.equal(set.status, 200, set.text);
      const check = (html: string, headers: Headers, what: string) => {
        const style = /<style nonce="([^"]+)">([^<]*)<\/style>/.exec(html);
        assert.ok(style, `${what}: a style block`);
        assert.equal(style[2], ':root{--accent:#FF6600;--accent-text:#111827;--bg:#101820}', what);
        const csp = headers.get('content-security-policy') ?? '';
        assert.equal(directive(csp, 'style-src'), `style-src 'self' 'nonce-${style[1]}'`, what);
        assert.match(html, /<img class="tenant-logo" src="https:\/\/cdn\.example\/brand\.svg"/, what);
        assert.ok(directive(csp, 'img-src').split(' ').includes('https://cdn.example'), `${what}: ${csp}`);
        assert.ok(!/unsafe-inline|script-src/.test(csp), what);
        return style[1]!;
      };
      const browser = new Browser(t.url);
      const start = await authorize(browser, rp.config);
      const nonce = check(start.html, start.landed.response.headers, 'login page');
      assert.ok(!start.html.includes('plain-http-logo'), 'a client logo that could not load on an https page is not shown');
      assert.ok(!(start.landed.response.headers.get('content-security-policy') ?? '').includes('http://rp.example'));
      const secondLook = await browser.request(start.landed.response.url);
      assert.notEqual(check(await secondLook.text(), secondLook.headers, 'login page again'), nonce, 'a fresh nonce per response');

      await ten.addUser({ username: 'brand', email: `brand@${ten.slug}.example`, password: PASSWORD });
      const changeId = await ten.changeId('brand');
      const account = await new FormClient(t.url).get(`/${ten.slug}/password/change/${encodeURIComponent(changeId)}`);
      check(account.html, account.headers, 'change-password page');
      const error = await fetch(client.buildAuthorizationUrl(rp.config, { redirect_uri: 'https://evil.example/cb', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }));
      check(await error.text(), error.headers, 'the engine’s error page (its provider rebuilt on the change)');

      const reset = await t.fetch(`/tenants/${ten.slug}/branding`, { method: 'PUT', headers: bearer(), body: {} });
      assert.equal(reset.status, 200);
      const plain = await browser.request(start.landed.response.url);
      const plainHtml = await plain.text();
      assert.ok(!/<style/.test(plainHtml) && !/tenant-logo/.test(plainHtml), 'the built-in look again');
      assert.equal(directive(plain.headers.get('content-security-policy') ?? '', 'style-src'), "style-src 'self'");
    });
  });
}
