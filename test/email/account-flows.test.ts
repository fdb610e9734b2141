/**
 * Email-driven flows against a real SMTP server on loopback: forgot password and change
 * password, email verification on sign-up and on address change, the account-locked notice,
 * template overrides, SMTP authentication, and the tenant's generators and lifetimes.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { Mailbox } from '../support/mailbox.js';
import { type TestServer, startTestServer } from '../support/server.js';

const idFromLink = (text: string, path: string) => {
  const match = new RegExp(`${path}/([^\\s"<>]+)`).exec(text);
  assert.ok(match, `no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]!);
};

for (const backend of backends()) {
  describe(`email flows on ${backend.name}`, () => {
    let t: TestServer;
    let mailbox: Mailbox;
    let authedMailbox: Mailbox;
    let sslMailbox: Mailbox;
    let starttlsMailbox: Mailbox;
    before(async () => {
      mailbox = await Mailbox.start();
      authedMailbox = await Mailbox.start({ username: 'smtp-user', password: 'smtp-secret' });
      sslMailbox = await Mailbox.start(undefined, 'implicit');
      starttlsMailbox = await Mailbox.start(undefined, 'starttls');
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
      await mailbox?.stop();
      await authedMailbox?.stop();
      await sslMailbox?.stop();
      await starttlsMailbox?.stop();
    });

    async function tenant(fa: Record<string, any> = {}, box = mailbox) {
      const { emailConfiguration, ...rest } = fa;
      const created = await attempt(
        t.client().createTenant(null as unknown as string, {
          tenant: {
            name: `Mail ${crypto.randomUUID().slice(0, 8)}`,
            emailConfiguration: { host: '127.0.0.1', port: box.port, security: 'NONE', defaultFromEmail: 'no-reply@tessera.test', defaultFromName: 'Tessera', ...emailConfiguration },
            passwordEncryptionConfiguration: { encryptionSchemeFactor: 1000 },
            ...rest,
          } as any,
        }),
      );
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const id: string = created.response.tenant.id;
      const slug = new URL(created.response.tenant.issuer).pathname.slice(1);
      const header = { 'x-fusionauth-tenantid': id };
      return {
        id,
        slug,
        addUser: async (body: Record<string, unknown>) => {
          const r = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body, headers: { authorization: `Bearer ${t.apiKey}` } });
          assert.equal(r.status, 201, r.text);
          return r.body;
        },
        putUser: (userId: string, body: Record<string, unknown>) => t.fetch(`/tenants/${slug}/users/${userId}`, { method: 'PUT', body, headers: { authorization: `Bearer ${t.apiKey}` } }),
        login: (loginId: string, password: string) => t.fetch('/api/login', { method: 'POST', body: { loginId, password }, headers: header }),
        forgot: (loginId: string, send = true) => t.fetch('/api/user/forgot-password', { method: 'POST', body: { loginId, sendForgotPasswordEmail: send }, headers: header }),
      };
    }
    /**
     * Every mail the server had begun to send has been delivered or has failed: a restart stops
     * the server, and stopping waits for background mail. Two turns of the event loop then let
     * this process's HTTP client see that the old server closed its keep-alive connections
     * (the first turn may be the rest of the current one, without reading sockets again).
     */
    const mailSettled = async () => {
      await t.restart();
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    };
    const change = (id: string, password: string) => t.fetch(`/api/user/change-password/${encodeURIComponent(id)}`, { method: 'POST', body: { password }, headers: { authorization: '' } });
    const verify = (id: string) => t.fetch('/api/user/verify-email', { method: 'POST', body: { verificationId: id }, headers: { authorization: '' } });

    test('forgot password: the mail arrives, its link works once, a weak password does not spend it', async () => {
      const ten = await tenant({ passwordValidationRules: { minLength: 10 } });
      await ten.addUser({ username: 'uma', email: 'uma@example.com', password: 'original-password' });
      const started = await ten.forgot('uma@example.com');
      assert.equal(started.status, 200);
      assert.equal(started.body.changePasswordId, undefined, 'the id goes only to the mailbox');
      const mail = await mailbox.take('uma@example.com');
      assert.equal(mail.from, 'no-reply@tessera.test');
      assert.match(mail.subject, /Reset your .* password/);
      const id = idFromLink(mail.text, `/${ten.slug}/password/change`);
      assert.ok(mail.html.includes(`/${ten.slug}/password/change/`));
      const weak = await change(id, 'short');
      assert.equal(weak.status, 400);
      assert.deepEqual(codesFor(weak.body, 'password'), ['[tooShort]password']);
      assert.equal((await change(id, 'brand-new-password')).status, 200);
      assert.equal((await ten.login('uma', 'brand-new-password')).status, 200);
      assert.equal((await ten.login('uma', 'original-password')).status, 404);
      assert.equal((await change(id, 'another-new-password')).status, 404, 'the link works once');
    });

    test('change-password ids expire with the tenant’s time to live and follow its generator', async () => {
      const ten = await tenant({ externalIdentifierConfiguration: { changePasswordIdTimeToLiveInSeconds: 120, changePasswordIdGenerator: { type: 'randomDigits', length: 8 } } });
      await ten.addUser({ username: 'vic', email: 'vic@example.com', password: 'vics-password' });
      const started = await ten.forgot('vic', false);
      assert.equal(started.status, 200);
      assert.match(started.body.changePasswordId, /^\d{8}$/);
      await mailbox.expectNone('vic@example.com', mailSettled);
      t.clock.advance(121_000);
      assert.equal((await change(started.body.changePasswordId, 'vics-new-password')).status, 404, 'expired');
      const again = await ten.forgot('vic', false);
      const newer = await ten.forgot('vic', false);
      assert.equal((await change(again.body.changePasswordId, 'vics-new-password')).status, 404, 'a newer id replaces older ones');
      assert.equal((await change(newer.body.changePasswordId, 'vics-new-password')).status, 200);
    });

    test('remembered passwords cannot be chosen again', async () => {
      const ten = await tenant({ passwordValidationRules: { rememberPreviousPasswords: { enabled: true, count: 2 } } });
      await ten.addUser({ username: 'wes', email: 'wes@example.com', password: 'first-password' });
      const id1 = (await ten.forgot('wes', false)).body.changePasswordId;
      const reused = await change(id1, 'first-password');
      assert.equal(reused.status, 400);
      assert.deepEqual(codesFor(reused.body, 'password'), ['[previouslyUsed]password']);
      assert.equal((await change(id1, 'second-password')).status, 200);
    });

    test('forgot password for an unknown login is 404', async () => {
      const ten = await tenant();
      assert.equal((await ten.forgot('nobody@example.com')).status, 404);
    });

    test('sign-up verification: the mail arrives, verifying works once, then login is 200 instead of 212', async () => {
      const ten = await tenant({ emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() } });
      await ten.addUser({ username: 'xena', email: 'xena@example.com', password: 'xenas-password' });
      assert.equal((await ten.login('xena', 'xenas-password')).status, 212);
      const mail = await mailbox.take('xena@example.com');
      assert.match(mail.subject, /Verify your email/);
      const id = idFromLink(mail.text, `/${ten.slug}/email/verify`);
      assert.equal((await verify(id)).status, 200);
      assert.equal((await ten.login('xena', 'xenas-password')).status, 200);
      assert.equal((await verify(id)).status, 404, 'works once');
      assert.equal((await verify('made-up-id')).status, 404);
    });

    test('verification ids expire', async () => {
      const ten = await tenant({ emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() }, externalIdentifierConfiguration: { emailVerificationIdTimeToLiveInSeconds: 60 } });
      await ten.addUser({ username: 'yuri', email: 'yuri@example.com', password: 'yuris-password' });
      const id = idFromLink((await mailbox.take('yuri@example.com')).text, `/${ten.slug}/email/verify`);
      t.clock.advance(61_000);
      assert.equal((await verify(id)).status, 404);
      const resend = await t.fetch('/api/user/verify-email?email=yuri@example.com', { method: 'PUT', headers: { 'x-fusionauth-tenantid': ten.id } });
      assert.equal(resend.status, 200);
      const fresh = idFromLink((await mailbox.take('yuri@example.com')).text, `/${ten.slug}/email/verify`);
      assert.equal(fresh, resend.body.verificationId);
      assert.equal((await verify(fresh)).status, 200);
    });

    test('verifyEmailWhenChanged: a new address is unverified and gets its own mail', async () => {
      const ten = await tenant({ emailConfiguration: { verifyEmailWhenChanged: true, verificationEmailTemplateId: crypto.randomUUID() } });
      const user = await ten.addUser({ username: 'zoe', email: 'zoe@example.com', password: 'zoes-password', is_verified: true });
      await mailbox.expectNone('zoe@example.com', mailSettled);
      const put = await ten.putUser(user.user_id, { username: 'zoe', email: 'zoe.new@example.com' });
      assert.equal(put.status, 200);
      assert.equal(put.body.is_verified, false);
      const id = idFromLink((await mailbox.take('zoe.new@example.com')).text, `/${ten.slug}/email/verify`);
      assert.equal((await verify(id)).status, 200);
      const after = await t.fetch(`/tenants/${ten.slug}/users/${user.user_id}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(after.body.is_verified, true);
    });

    test('a lock sends the account-locked notice; a reset lifts the lock', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 2, resetCountInSeconds: 60, actionDuration: 1, actionDurationUnit: 'HOURS' } });
      await ten.addUser({ username: 'abe', email: 'abe@example.com', password: 'abes-password' });
      await ten.login('abe', 'wrong');
      await ten.login('abe', 'wrong');
      const notice = await mailbox.take('abe@example.com');
      assert.match(notice.subject, /locked/);
      assert.equal((await ten.login('abe', 'abes-password')).status, 409);
      const id = (await ten.forgot('abe', false)).body.changePasswordId;
      assert.equal((await change(id, 'abes-new-password')).status, 200);
      assert.equal((await ten.login('abe', 'abes-new-password')).status, 200, 'proving ownership lifts the lock');
    });

    test('a tenant’s template replaces the built-in one', async () => {
      const template = await t.fetch('/api/email/template', {
        method: 'POST',
        body: { emailTemplate: { name: `Reset ${crypto.randomUUID()}`, defaultSubject: 'Custom reset for ${user.email}', defaultTextTemplate: 'Go to ${link} <now>', defaultHtmlTemplate: '<a href="${link}">${user.name}</a>', fromEmail: 'help@custom.test' } },
      });
      assert.equal(template.status, 200, template.text);
      const ten = await tenant({ emailConfiguration: { forgotPasswordEmailTemplateId: template.body.emailTemplate.id } });
      await ten.addUser({ username: 'bea', email: 'bea@example.com', password: 'beas-password' });
      await ten.forgot('bea');
      const mail = await mailbox.take('bea@example.com');
      assert.equal(mail.subject, 'Custom reset for bea@example.com');
      assert.equal(mail.from, 'help@custom.test');
      assert.match(mail.text, new RegExp(`^Go to http://tessera.test/${ten.slug}/password/change/\\S+ <now>`));
      assert.equal((await t.fetch(`/api/email/template/${template.body.emailTemplate.id}`)).body.emailTemplate.defaultSubject, 'Custom reset for ${user.email}');
    });

    test('template values are HTML-escaped in HTML bodies', async () => {
      const template = await t.fetch('/api/email/template', {
        method: 'POST',
        body: { emailTemplate: { name: `Escape ${crypto.randomUUID()}`, defaultSubject: 'Hi ${tenant.name}', defaultTextTemplate: '${tenant.name}', defaultHtmlTemplate: '<p>${tenant.name}</p>' } },
      });
      const ten = await tenant({ emailConfiguration: { forgotPasswordEmailTemplateId: template.body.emailTemplate.id } });
      await t.fetch(`/api/tenant/${ten.id}`, { method: 'PATCH', body: { tenant: { name: `<b>Bold</b> & Co ${ten.id}` } } });
      await ten.addUser({ username: 'cy', email: 'cy@example.com', password: 'cys-password' });
      await ten.forgot('cy');
      const mail = await mailbox.take('cy@example.com');
      assert.ok(mail.html.includes(`&lt;b&gt;Bold&lt;/b&gt; &amp; Co ${ten.id}`), mail.html);
      assert.ok(mail.text.includes(`<b>Bold</b> & Co ${ten.id}`), 'plain text is not escaped');
    });

    test('SMTP authentication with the tenant’s username and password', async () => {
      const ten = await tenant({ emailConfiguration: { username: 'smtp-user', password: 'smtp-secret' } }, authedMailbox);
      await ten.addUser({ username: 'dee', email: 'dee@example.com', password: 'dees-password' });
      assert.equal((await ten.forgot('dee')).status, 200);
      assert.match((await authedMailbox.take('dee@example.com')).subject, /Reset/);
    });

    for (const [security, box] of [['SSL', () => sslMailbox], ['TLS', () => starttlsMailbox]] as const) {
      test(`SMTP security ${security}: delivered over TLS to a trusted host, refused when the certificate is not trusted`, async () => {
        const trusted = await tenant({ emailConfiguration: { security, properties: 'mail.smtp.ssl.trust=127.0.0.1' } }, box());
        await trusted.addUser({ username: 'tls', email: `tls-${security}@example.com`, password: 'tls-password' });
        assert.equal((await trusted.forgot('tls')).status, 200);
        assert.match((await box().take(`tls-${security}@example.com`)).subject, /Reset/);
        const untrusted = await tenant({ emailConfiguration: { security } }, box());
        await untrusted.addUser({ username: 'tls2', email: `tls2-${security}@example.com`, password: 'tls-password' });
        const refused = await untrusted.forgot('tls2');
        assert.equal(refused.status, 503, 'a self-signed certificate is not accepted by default');
        assert.equal(refused.body.generalErrors[0].code, '[ServiceUnavailable]');
      });
    }

    test('security NONE against a server that insists on STARTTLS is refused, not silently downgraded', async () => {
      const ten = await tenant({ emailConfiguration: { security: 'NONE' } }, starttlsMailbox);
      await ten.addUser({ username: 'plain', email: 'plain@example.com', password: 'plain-password' });
      assert.equal((await ten.forgot('plain')).status, 503);
      await starttlsMailbox.expectNone('plain@example.com', mailSettled);
    });
  });
}
