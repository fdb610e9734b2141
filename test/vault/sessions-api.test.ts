/**
 * The Vault's sessions on every back end, over real HTTP: a user signs in through the tenant's
 * hosted login (a browser with its own User-Agent and X-Forwarded-For, believed under
 * TRUST_PROXY), and the session shows when, from where (address and country, from the bundled
 * IP-to-country database) and with what (the parsed User-Agent) it was made, last had tokens
 * issued and was last used. Listed by an administrator and by the user's own access token;
 * ended by either, which ends the provider's session and revokes its tokens; disabling,
 * locking and deleting the user end them all; tenants never see each other's.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { backends } from '../support/backends.js';
import { clientRecord } from '../support/clients.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { Browser, actionOf } from '../support/form-browser.js';
import { type RelyingParty, authorize, exchangeCode, tokenRequest } from '../support/sign-in.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const RP_BACKEND = 'rp-backend/2.1';
/** Addresses the bundled database places: GB, US, NL, DE. */
const IN_GB = '81.2.69.142';
const IN_US = '8.8.8.8';
const IN_NL = '193.0.6.139';
const IN_DE = '85.214.132.117';
const REDIRECT = 'https://rp.example/callback';
const PASSWORD = 'Session-Password-2024';
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

for (const backend of backends()) {
  describe(`Vault sessions on ${backend.name}`, () => {
    let t: TestServer;
    const tenants: Record<'a' | 'b', { id: string; slug: string; rp: RelyingParty }> = {} as never;
    const admin = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(path, { ...init, headers: { authorization: `Bearer ${t.apiKey}`, ...(init.headers ?? {}) } });
    const own = (token: string, path = '/sessions', method = 'GET') => t.fetch(path, { method, headers: { authorization: `Bearer ${token}` } });

    async function newTenant(name: string) {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `${name} ${crypto.randomUUID().slice(0, 6)}` } }));
      assert.equal(created.statusCode, 200);
      const id = created.response.tenant.id as string;
      const slug = (await t.server.tenants.get({}, id)).slug;
      const secret = crypto.randomBytes(32).toString('base64url');
      await t.server.storage.forTenant(id).clients.insert(clientRecord(id, 'web', secret, { redirectUris: [REDIRECT], postLogoutRedirectUris: ['https://rp.example/bye'], allowedScopes: ['openid', 'email', 'profile'] }));
      return { id, slug, rp: { issuer: `${t.url}/${slug}`, clientId: 'web', secret, redirectUri: REDIRECT } };
    }

    async function newUser(tenant: 'a' | 'b', username = `u${crypto.randomBytes(4).toString('hex')}`): Promise<string> {
      const made = await admin(`/tenants/${tenants[tenant].slug}/users`, { method: 'POST', body: { username, email: `${username}@example.com`, password: PASSWORD, is_verified: true } });
      assert.equal(made.status, 201, made.text);
      return made.body.user_id as string;
    }

    /** Signs the user in in a new browser and exchanges the code from the relying party's back end. */
    async function signIn(tenant: 'a' | 'b', userId: string, browserHeaders: Record<string, string> = { 'user-agent': IPHONE, 'x-forwarded-for': IN_GB }) {
      const user = await admin(`/tenants/${tenants[tenant].slug}/users/${userId}`);
      const browser = new Browser(t.url, browserHeaders);
      const { code, verifier } = await authorize(browser, tenants[tenant].rp, { login: user.body.username, password: PASSWORD });
      const tokens = await exchangeCode(tenants[tenant].rp, code!, verifier, { 'user-agent': RP_BACKEND, 'x-forwarded-for': IN_US });
      return { browser, tokens };
    }

    const sessionsOf = async (tenant: 'a' | 'b', userId: string) => {
      const listed = await admin(`/tenants/${tenants[tenant].slug}/users/${userId}/sessions`);
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.total, listed.body.sessions.length);
      return listed.body.sessions as any[];
    };

    const refresh = (tenant: 'a' | 'b', refreshToken: string, headers: Record<string, string> = {}) => tokenRequest(tenants[tenant].rp, { grant_type: 'refresh_token', refresh_token: refreshToken }, headers);

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}`, trustProxy: ['127.0.0.1'] });
      tenants.a = await newTenant('Sessions A');
      tenants.b = await newTenant('Sessions B');
    });
    after(async () => t?.stop());

    test('a sign-in is a session: its address, country and parsed User-Agent; token issue from the back end; listed by the admin and by the user’s token', async () => {
      const userId = await newUser('a');
      const before = Date.now();
      const { tokens } = await signIn('a', userId);
      const [session, ...more] = await sessionsOf('a', userId);
      assert.equal(more.length, 0, 'one sign-in, one session');
      assert.match(session.session_id, /^[0-9a-f-]{36}$/);
      assert.equal(session.user_id, userId);
      assert.equal(session.tenant_id, tenants.a.slug);
      assert.deepEqual(session.created, {
        at: session.created.at,
        ip: IN_GB,
        country: 'GB',
        user_agent: IPHONE,
        user_agent_parsed: {
          browser: { family: 'Mobile Safari', version: '17.4' },
          os: { family: 'iOS', version: '17.4' },
          device: { family: 'iPhone', brand: 'Apple', model: 'iPhone' },
          is_mobile: true,
          is_tablet: false,
          is_pc: false,
          is_bot: false,
        },
      });
      assert.ok(Date.parse(session.created.at) >= before - 1000 && Date.parse(session.created.at) <= Date.now() + 1000, session.created.at);
      // The last use so far is the sign-in (the consent step right after it is the same browser).
      assert.deepEqual({ ...session.last_access, at: session.created.at }, session.created, 'the sign-in is the last use so far');
      assert.ok(Date.parse(session.last_access.at) >= Date.parse(session.created.at));
      assert.equal(session.token_issue.ip, IN_US, 'tokens were issued to the relying party’s back end');
      assert.equal(session.token_issue.country, 'US');
      assert.equal(session.token_issue.user_agent, RP_BACKEND);
      assert.equal(session.token_issue.user_agent_parsed.browser.family, 'Other');
      const ttl = (await t.server.tenants.get({}, tenants.a.id)).settings.tokens.sessionTtlSeconds;
      assert.ok(Date.parse(session.expires_at) >= Date.parse(session.created.at) + ttl * 1000, `expires ${session.expires_at} after the tenant's session TTL (${ttl} s)`);
      assert.ok(Date.parse(session.expires_at) <= Date.now() + ttl * 1000 + 1000);

      const mine = await own(tokens.access_token);
      assert.equal(mine.status, 200, mine.text);
      assert.deepEqual(mine.body, { sessions: [session], total: 1 }, 'the user’s own token sees the same');

      // The answer is the one the OpenAPI document describes.
      const doc = (await t.fetch('/api/openapi.json')).body;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      for (const path of ['/sessions', '/tenants/{tenant_id}/users/{user_id}/sessions']) {
        const check = ajv.compile(doc.paths[path].get.responses['200'].content['application/json'].schema);
        assert.ok(check(mine.body), `${path}: ${ajv.errorsText(check.errors)}`);
        assert.equal(check({ ...mine.body, sessions: [{ ...session, created: { ...session.created, country: 'gb' } }] }), false, 'the check can fail');
      }    });

    test('a refresh updates token_issue and last_access; userinfo and an authorization reusing the browser session are uses; no new session', async () => {
      const userId = await newUser('a');
      const { browser, tokens } = await signIn('a', userId);
      const [first] = await sessionsOf('a', userId);

      const refreshed = await refresh('a', tokens.refresh_token, { 'user-agent': WINDOWS_CHROME, 'x-forwarded-for': IN_NL });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const [afterRefresh] = await sessionsOf('a', userId);
      assert.equal(afterRefresh.token_issue.country, 'NL');
      assert.equal(afterRefresh.token_issue.user_agent_parsed.browser.family, 'Chrome');
      assert.equal(afterRefresh.token_issue.user_agent_parsed.os.family, 'Windows');
      assert.equal(afterRefresh.token_issue.user_agent_parsed.is_pc, true);
      assert.equal(afterRefresh.last_access.country, 'NL', 'a refresh is a use');
      assert.deepEqual(afterRefresh.created, first.created, 'the sign-in stays as it was');

      const userinfo = await fetch(`${tenants.a.rp.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, 'x-forwarded-for': IN_DE } });
      assert.equal(userinfo.status, 200, await userinfo.text());
      const [afterUserinfo] = await sessionsOf('a', userId);
      assert.equal(afterUserinfo.last_access.country, 'DE', 'userinfo is a use');
      assert.equal(afterUserinfo.token_issue.country, 'NL', 'but issues no token');

      const again = await authorize(browser, tenants.a.rp);
      assert.ok(again.code, 'the browser session signs in without the form');
      const [afterAuthorize, ...others] = await sessionsOf('a', userId);
      assert.equal(others.length, 0, 'still one session');
      assert.equal(afterAuthorize.session_id, first.session_id);
      assert.equal(afterAuthorize.last_access.country, 'GB', 'the browser used it again');
      assert.ok(Date.parse(afterAuthorize.expires_at) >= Date.parse(first.expires_at), 'and the session lives on from now');
      await exchangeCode(tenants.a.rp, again.code!, again.verifier);
    });

    test('DELETE one session (admin): its refresh token is refused, its browser must sign in again, the other session lives on', async () => {
      const userId = await newUser('a');
      const one = await signIn('a', userId);
      const two = await signIn('a', userId, { 'user-agent': WINDOWS_CHROME, 'x-forwarded-for': IN_NL });
      const listed = await sessionsOf('a', userId);
      assert.equal(listed.length, 2);
      const target = listed.find((s) => s.created.country === 'GB');
      assert.ok(target);

      const ended = await admin(`/tenants/${tenants.a.slug}/users/${userId}/sessions/${target.session_id}`, { method: 'DELETE' });
      assert.equal(ended.status, 204, ended.text);
      const refused = await refresh('a', one.tokens.refresh_token);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_grant');
      assert.equal((await own(one.tokens.access_token)).status, 401, 'its access token is no credential any more');
      assert.ok((await authorize(one.browser, tenants.a.rp)).html, 'its browser gets the sign-in form again');

      assert.deepEqual((await sessionsOf('a', userId)).map((s) => s.created.country), ['NL']);
      assert.equal((await refresh('a', two.tokens.refresh_token)).status, 200, 'the other session’s token still works');
      const again = await admin(`/tenants/${tenants.a.slug}/users/${userId}/sessions/${target.session_id}`, { method: 'DELETE' });
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, { detail: 'Session not found' });
    });

    test('the user’s own DELETE /sessions/{id} and DELETE /sessions; DELETE all (admin)', async () => {
      const userId = await newUser('a');
      const one = await signIn('a', userId);
      const two = await signIn('a', userId);
      const three = await signIn('a', userId);
      const listed = await own(one.tokens.access_token);
      assert.equal(listed.body.total, 3);
      const twoSession = (await own(two.tokens.access_token)).body.sessions;
      assert.equal(twoSession.length, 3);

      // The first token ends the third session (found by its refresh being refused afterwards).
      const ids = (listed.body.sessions as any[]).map((s) => s.session_id);
      const ended = await own(one.tokens.access_token, `/sessions/${ids[0]}`, 'DELETE');
      assert.equal(ended.status, 204, ended.text);
      assert.equal((await own(one.tokens.access_token)).body.total, 2);
      const refusedCount = (await Promise.all([one, two, three].map((s) => refresh('a', s.tokens.refresh_token)))).filter((r) => r.status === 400).length;
      assert.equal(refusedCount, 1, 'exactly the ended session’s refresh token is refused');

      const all = await own(two.tokens.access_token, '/sessions', 'DELETE');
      assert.equal(all.status, 204, all.text);
      assert.deepEqual(await sessionsOf('a', userId), []);
      for (const s of [one, two, three]) assert.equal((await refresh('a', s.tokens.refresh_token)).body.error, 'invalid_grant');
      assert.equal((await own(two.tokens.access_token)).status, 401, 'ending all ends the one whose token asked, too');

      const four = await signIn('a', userId);
      const adminAll = await admin(`/tenants/${tenants.a.slug}/users/${userId}/sessions`, { method: 'DELETE' });
      assert.equal(adminAll.status, 204, adminAll.text);
      assert.deepEqual(await sessionsOf('a', userId), []);
      assert.equal((await refresh('a', four.tokens.refresh_token)).body.error, 'invalid_grant');
    });

    test('RP-initiated logout ends the session', async () => {
      const userId = await newUser('a');
      const { browser, tokens } = await signIn('a', userId);
      assert.equal((await sessionsOf('a', userId)).length, 1);
      const start = await browser.request(`${tenants.a.rp.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://rp.example/bye' })}`);
      const html = await start.text();
      assert.equal(start.status, 200, html);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(xsrf, html);
      const confirmed = await browser.request(actionOf(html) || `${tenants.a.rp.issuer}/session/end/confirm`, { method: 'POST', form: { xsrf, logout: 'yes' } });
      assert.equal(confirmed.status, 303, await confirmed.text());
      assert.deepEqual(await sessionsOf('a', userId), []);
    });

    test('disabling, locking or deleting the user ends their sessions', async () => {
      const disabled = await newUser('a');
      const d = await signIn('a', disabled);
      const user = (await admin(`/tenants/${tenants.a.slug}/users/${disabled}`)).body;
      const replaced = await admin(`/tenants/${tenants.a.slug}/users/${disabled}`, { method: 'PUT', body: { username: user.username, email: user.email, is_verified: true, is_disabled: true } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.deepEqual(await sessionsOf('a', disabled), [], 'disabled');
      assert.ok((await authorize(d.browser, tenants.a.rp)).html, 'the browser session ended with it');

      const locked = await newUser('a');
      const l = await signIn('a', locked);
      const lockedName = (await admin(`/tenants/${tenants.a.slug}/users/${locked}`)).body.username;
      assert.equal((await attempt(t.client().patchTenant(tenants.a.id, { tenant: { failedAuthenticationConfiguration: { tooManyAttempts: 2, resetCountInSeconds: 60, actionDuration: 3, actionDurationUnit: 'MINUTES' } } as any }))).statusCode, 200);
      for (let i = 0; i < 2; i++) {
        const failed = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': tenants.a.id }, body: { loginId: lockedName, password: 'not-the-password' } });
        assert.equal(failed.status, 404, failed.text);
      }
      assert.deepEqual(await sessionsOf('a', locked), [], 'locked out');
      assert.ok((await authorize(l.browser, tenants.a.rp)).html);

      const deleted = await newUser('a');
      const del = await signIn('a', deleted);
      const gone = await admin(`/tenants/${tenants.a.slug}/users/${deleted}`, { method: 'DELETE' });
      assert.equal(gone.status, 204);
      assert.deepEqual(await t.server.storage.forTenant(tenants.a.id).sessions.listByUser(deleted, t.clock.now()), [], 'deleted');
      assert.ok((await authorize(del.browser, tenants.a.rp)).html);

      const batch = await newUser('a');
      const b = await signIn('a', batch);
      const batchGone = await admin(`/tenants/${tenants.a.slug}/users/batch-delete`, { method: 'POST', body: { users_ids: [batch] } });
      assert.equal(batchGone.status, 201, batchGone.text);
      assert.ok((await authorize(b.browser, tenants.a.rp)).html, 'a batch delete ends them too');
    });

    test('tenants never see each other’s sessions: a locked API key, a path naming another tenant’s user, a user token', async () => {
      const inA = await newUser('a');
      const inB = await newUser('b');
      const a = await signIn('a', inA);
      const b = await signIn('b', inB);
      const bSession = (await sessionsOf('b', inB))[0].session_id;

      const key = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: tenants.a.id } }));
      assert.equal(key.statusCode, 200);
      const lockedKey = { authorization: `Bearer ${key.response.apiKey.key}` };
      const foreign = await t.fetch(`/tenants/${tenants.b.slug}/users/${inB}/sessions`, { headers: lockedKey });
      assert.equal(foreign.status, 403);
      assert.equal((await t.fetch(`/tenants/${tenants.b.slug}/users/${inB}/sessions/${bSession}`, { method: 'DELETE', headers: lockedKey })).status, 403);
      const crossed = await t.fetch(`/tenants/${tenants.a.slug}/users/${inB}/sessions`, { headers: lockedKey });
      assert.equal(crossed.status, 404, 'tenant B’s user is not tenant A’s');
      assert.deepEqual(crossed.body, { detail: 'User not found' });
      assert.equal((await t.fetch(`/tenants/${tenants.a.slug}/users/${inA}/sessions`, { headers: lockedKey })).body.total, 1, 'its own tenant it sees');

      const mine = await own(a.tokens.access_token);
      assert.deepEqual(mine.body.sessions.map((s: any) => s.user_id), [inA]);
      const stolen = await own(a.tokens.access_token, `/sessions/${bSession}`, 'DELETE');
      assert.equal(stolen.status, 404);
      assert.deepEqual(stolen.body, { detail: 'Session not found' });
      assert.equal((await sessionsOf('b', inB)).length, 1, 'tenant B’s session is untouched');
      assert.equal((await refresh('b', b.tokens.refresh_token)).status, 200);
    });

    test('unknown ids are 404 and a malformed id is 422, in the Vault’s shape; a missing or wrong token is 401', async () => {
      const userId = await newUser('a');
      const { tokens } = await signIn('a', userId);
      const unknownUser = await admin(`/tenants/${tenants.a.slug}/users/${crypto.randomUUID()}/sessions`);
      assert.equal(unknownUser.status, 404);
      assert.deepEqual(unknownUser.body, { detail: 'User not found' });
      assert.deepEqual((await admin(`/tenants/${tenants.a.slug}/users/${crypto.randomUUID()}/sessions`, { method: 'DELETE' })).body, { detail: 'User not found' });
      const unknownSession = await admin(`/tenants/${tenants.a.slug}/users/${userId}/sessions/${crypto.randomUUID()}`, { method: 'DELETE' });
      assert.equal(unknownSession.status, 404);
      assert.deepEqual(unknownSession.body, { detail: 'Session not found' });
      assert.deepEqual((await own(tokens.access_token, `/sessions/${crypto.randomUUID()}`, 'DELETE')).body, { detail: 'Session not found' });
      assert.equal((await admin(`/tenants/no-such-tenant/users/${userId}/sessions`)).status, 404);

      const malformed = await admin(`/tenants/${tenants.a.slug}/users/${userId}/sessions/not-a-session`, { method: 'DELETE' });
      assert.equal(malformed.status, 422);
      assert.deepEqual(malformed.body.detail[0].loc, ['path', 'session_id']);
      const ownMalformed = await own(tokens.access_token, '/sessions/not-a-session', 'DELETE');
      assert.equal(ownMalformed.status, 422);
      assert.deepEqual(ownMalformed.body.detail[0].loc, ['path', 'session_id']);

      const clientCredentials = await tokenRequest(tenants.a.rp, { grant_type: 'client_credentials' });
      const wrong = [
        undefined,
        'Bearer',
        'Bearer not a token at all',
        `Bearer ${crypto.randomBytes(32).toString('base64url')}`,
        `Bearer ${tokens.access_token}x`,
        `Bearer ${tokens.refresh_token}`,
        `Bearer ${t.apiKey}`,
        t.apiKey,
        `Basic ${Buffer.from('web:secret').toString('base64')}`,
        ...(clientCredentials.status === 200 ? [`Bearer ${clientCredentials.body.access_token}`] : []),
      ];
      for (const authorization of wrong) {
        const answer = await t.fetch('/sessions', { headers: authorization === undefined ? { authorization: '' } : { authorization } });
        assert.equal(answer.status, 401, `${authorization}: ${answer.text}`);
        assert.deepEqual(answer.body, { detail: 'Not authenticated' });
      }
      const nowhere = await t.fetch('/sessions/no/such/path', { headers: { authorization: '' } });
      assert.equal(nowhere.status, 404, 'an unknown URL under /sessions is the Vault’s 404');
      assert.deepEqual(nowhere.body, { detail: 'Not Found' });
      const badEscape = await t.fetch('/sessions/%zz', { headers: { authorization: '' } });
      assert.ok(badEscape.status >= 400 && badEscape.status < 500, `${badEscape.status}`);
      assert.equal(typeof badEscape.body?.detail, 'string', `the router's own refusal is in the Vault's shape too: ${badEscape.text}`);
    });

    test('a private address has no country; a scripted client is a bot', async () => {
      const userId = await newUser('a');
      await signIn('a', userId, { 'user-agent': 'curl/8.5.0' });
      const [session] = await sessionsOf('a', userId);
      assert.equal(session.created.ip, '127.0.0.1', 'no X-Forwarded-For: the peer');
      assert.equal(session.created.country, null);
      assert.equal(session.created.user_agent_parsed.is_bot, true);
      assert.equal(session.created.user_agent_parsed.is_pc, false);
      assert.equal(session.created.user_agent_parsed.device.family, 'Spider');
    });

    test('an expired session is no longer listed and is purged', async () => {
      const userId = await newUser('a');
      await signIn('a', userId);
      assert.equal((await sessionsOf('a', userId)).length, 1);
      const ttl = (await t.server.tenants.get({}, tenants.a.id)).settings.tokens.sessionTtlSeconds;
      t.clock.advance(ttl * 1000 + 1000);
      assert.deepEqual(await sessionsOf('a', userId), []);
      assert.ok((await t.server.storage.purgeExpiredSessions(t.clock.now())) >= 1, 'and purged');
    });
  });
}
