/**
 * Authorization code + PKCE through the hosted sign-in page, driven over HTTP as a browser
 * without JavaScript would (forms, cookies, redirects), with openid-client as the relying
 * party: code → tokens (ID token, refresh token), userinfo, refresh, introspection,
 * revocation; a code works once; a wrong password gets the generic error.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { clientRecord } from '../support/clients.js';
import { Browser, actionOf, csrfOf } from '../support/form-browser.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

const REDIRECT = 'https://rp.example/callback';


for (const backend of backends()) {
  describe(`authorization code with PKCE through the hosted sign-in on ${backend.name}`, () => {
    let t: TestServer;
    let issuer: string;
    let slug: string;
    let tenantId: string;
    let config: client.Configuration;
    const secret = crypto.randomBytes(32).toString('base64url');
    const clientId = 'web-app';

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Code flow ${crypto.randomUUID().slice(0, 6)}` } }));
      tenantId = created.response.tenant!.id!;
      slug = (await t.server.tenants.get({}, tenantId)).slug;
      issuer = `${t.url}/${slug}`;
      const user = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username: 'ada', email: 'ada@example.com', password: 'Analytical-Engine-1843', roles: ['admin'], is_verified: true }, headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(user.status, 201, user.text);
      await t.server.storage
        .forTenant(tenantId)
        .clients.insert(clientRecord(tenantId, clientId, secret, { name: 'Web App', redirectUris: [REDIRECT], postLogoutRedirectUris: ['https://rp.example/bye'], allowedScopes: ['openid', 'email', 'profile', 'roles'] }));
      config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    });
    after(async () => t?.stop());

    /** Runs the browser part: authorization request → sign-in form → back at the client with a code. */
    async function signIn(password: string, verifier: string, state: string, login = 'ada@example.com'): Promise<{ callback?: URL; page?: { status: number; html: string } }> {
      const browser = new Browser(t.url);
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid email profile roles', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      const toLogin = await browser.follow(await browser.request(url.href));
      assert.equal(toLogin.response.status, 200, 'the sign-in page');
      const html = await toLogin.response.text();
      const posted = await browser.request(actionOf(html), { method: 'POST', form: { _csrf: csrfOf(html), login, password } });
      if (posted.status !== 303) return { page: { status: posted.status, html: await posted.text() } };
      const back = await browser.follow(posted);
      assert.ok(back.location, `expected a redirect to the client, got ${back.response.status} ${await back.response.text()}`);
      return { callback: new URL(back.location!) };
    }

    test('code → ID token, access and refresh tokens; userinfo; refresh; introspection; revocation', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
      assert.equal(callback!.origin + callback!.pathname, REDIRECT);
      const tokens = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
      const claims = tokens.claims()!;
      assert.equal(claims.iss, issuer);
      assert.equal(claims.aud, clientId);
      assert.ok(tokens.refresh_token, 'a refresh token');

      const user = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(user.email, 'ada@example.com');
      assert.equal(user.preferred_username, 'ada');
      assert.deepEqual(user.roles, ['admin']);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      assert.ok(refreshed.access_token && refreshed.access_token !== tokens.access_token);
      assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, true);
      await client.tokenRevocation(config, refreshed.access_token);
      assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false, 'a revoked token is inactive');
    });

    test('a code works once; missing or wrong code_verifier is invalid_grant', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
      await assert.rejects(client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state }), (e: any) => e.error === 'invalid_grant');
      const second = await signIn('Analytical-Engine-1843', verifier, state);
      await client.authorizationCodeGrant(config, second.callback!, { pkceCodeVerifier: verifier, expectedState: state });
      await assert.rejects(client.authorizationCodeGrant(config, second.callback!, { pkceCodeVerifier: verifier, expectedState: state }), (e: any) => e.error === 'invalid_grant', 'the second use of a code');
    });

    test('code reuse revokes what the first use issued', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
      const first = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
      assert.equal((await client.tokenIntrospection(config, first.access_token)).active, true);
      await assert.rejects(client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state }), (e: any) => e.error === 'invalid_grant');
      assert.equal((await client.tokenIntrospection(config, first.access_token)).active, false, 'the access token of the first use is revoked');
      await assert.rejects(client.refreshTokenGrant(config, first.refresh_token!), (e: any) => e.error === 'invalid_grant', 'and its refresh token');
    });

    test('OneTimeUse refresh tokens rotate, and a reused one revokes the whole grant', async () => {
      assert.equal((await attempt(t.client().patchTenant(tenantId, { tenant: { jwtConfiguration: { refreshTokenUsagePolicy: 'OneTimeUse' } } as any }))).statusCode, 200);
      try {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
        const tokens = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
        const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
        assert.ok(rotated.refresh_token && rotated.refresh_token !== tokens.refresh_token, 'a new refresh token each use');
        await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant', 'the used one is refused');
        await assert.rejects(client.refreshTokenGrant(config, rotated.refresh_token!), (e: any) => e.error === 'invalid_grant', 'and the grant is revoked: its newest token too');
      } finally {
        await attempt(t.client().patchTenant(tenantId, { tenant: { jwtConfiguration: { refreshTokenUsagePolicy: 'Reusable' } } as any }));
      }
    });

    test('refreshTokenExpirationPolicy: Fixed keeps a token’s expiry, SlidingWindow counts it from the last use; the grant outlives its newest token', async () => {
      const policy = (jwtConfiguration: Record<string, unknown>) => attempt(t.client().patchTenant(tenantId, { tenant: { jwtConfiguration } as any }));
      const expiryOf = async (refreshToken: string) => Number((await client.tokenIntrospection(config, refreshToken, { token_type_hint: 'refresh_token' })).exp);
      const grantExpiryOf = async (refreshToken: string) => {
        const oidc = t.server.storage.forTenant(tenantId).oidc;
        const now = Math.floor(Date.now() / 1000);
        const stored = await oidc.find('RefreshToken', refreshToken, now);
        return Number((await oidc.find('Grant', String(stored!.payload.grantId), now))!.payload.exp);
      };
      const aSecondLater = () => new Promise((resolve) => setTimeout(resolve, 1100));
      try {
        const fixed = await tokensOf('ada@example.com', 'Analytical-Engine-1843');
        const fixedExpiry = await expiryOf(fixed.refresh_token!);
        await aSecondLater();
        await client.refreshTokenGrant(config, fixed.refresh_token!);
        assert.equal(await expiryOf(fixed.refresh_token!), fixedExpiry, 'Fixed (the default): the use did not move it');

        assert.equal((await policy({ refreshTokenExpirationPolicy: 'SlidingWindow' })).statusCode, 200);
        const sliding = await tokensOf('ada@example.com', 'Analytical-Engine-1843');
        const slidingExpiry = await expiryOf(sliding.refresh_token!);
        await aSecondLater();
        await client.refreshTokenGrant(config, sliding.refresh_token!);
        const moved = await expiryOf(sliding.refresh_token!);
        assert.ok(moved > slidingExpiry, `SlidingWindow: ${moved} > ${slidingExpiry}`);
        assert.ok((await grantExpiryOf(sliding.refresh_token!)) >= moved, 'its grant lives as long');

        assert.equal((await policy({ refreshTokenExpirationPolicy: 'Fixed', refreshTokenUsagePolicy: 'OneTimeUse' })).statusCode, 200);
        const rotating = await tokensOf('ada@example.com', 'Analytical-Engine-1843');
        await aSecondLater();
        const next = (await client.refreshTokenGrant(config, rotating.refresh_token!)).refresh_token!;
        assert.ok((await grantExpiryOf(next)) >= (await expiryOf(next)), 'a rotated token is not cut short by its grant');
      } finally {
        await policy({ refreshTokenExpirationPolicy: 'Fixed', refreshTokenUsagePolicy: 'Reusable' });
      }
    });

    test('a disabled user’s refresh token is refused', async () => {
      const made = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username: 'grace', email: 'grace@example.com', password: 'Compiler-Pioneer-1952', is_verified: true }, headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(made.status, 201, made.text);
      const browser = new Browser(t.url);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      const html = await (await browser.follow(await browser.request(url.href))).response.text();
      const back = await browser.follow(await browser.request(actionOf(html), { method: 'POST', form: { _csrf: csrfOf(html), login: 'grace', password: 'Compiler-Pioneer-1952' } }));
      const tokens = await client.authorizationCodeGrant(config, new URL(back.location!), { pkceCodeVerifier: verifier, expectedState: state });
      const replaced = await t.fetch(`/tenants/${slug}/users/${made.body.user_id}`, { method: 'PUT', body: { username: 'grace', email: 'grace@example.com', is_disabled: true, is_verified: true }, headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(replaced.status, 200, replaced.text);
      await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant');
    });

    test('RP-initiated logout: a registered post-logout URI is honoured; an unsigned or altered id_token_hint and an unregistered URI are refused', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
      const tokens = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
      const endSession = (hint: string, uri: string) => fetch(client.buildEndSessionUrl(config, { id_token_hint: hint, post_logout_redirect_uri: uri, state: 'bye' }), { redirect: 'manual' });
      const ok = await endSession(tokens.id_token!, 'https://rp.example/bye');
      assert.equal(ok.status, 200, 'the logout confirmation');
      const [header, payload] = tokens.id_token!.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      assert.equal((await endSession(unsigned, 'https://rp.example/bye')).status, 400, 'alg none');
      const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url');
      assert.equal((await endSession(`${header}.${forgedPayload}.${tokens.id_token!.split('.')[2]}`, 'https://rp.example/bye')).status, 400, 'a forged hint');
      const elsewhere = await endSession(tokens.id_token!, 'https://evil.example/bye');
      assert.equal(elsewhere.status, 400, 'an unregistered post-logout URI');
      assert.equal(elsewhere.headers.get('location'), null);
    });

    test('the Vault’s token exchange (POST /token with tenant_id, POST /tenants/{id}/token) and logout doors', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn('Analytical-Engine-1843', verifier, state);
      const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      const code = callback!.searchParams.get('code')!;
      const exchanged = await fetch(`${t.url}/token`, form({ tenant_id: slug, client_id: clientId, client_secret: secret, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }));
      const body = (await exchanged.json()) as Record<string, unknown>;
      assert.equal(exchanged.status, 200, JSON.stringify(body));
      assert.equal(body.token_type, 'Bearer');
      for (const field of ['access_token', 'refresh_token', 'id_token']) assert.equal(typeof body[field], 'string', field);
      assert.equal(typeof body.expires_in, 'number');

      const refreshed = await fetch(`${t.url}/tenants/${tenantId}/token`, form({ client_id: clientId, client_secret: secret, grant_type: 'refresh_token', refresh_token: String(body.refresh_token) }));
      assert.equal(refreshed.status, 200, await refreshed.clone().text());
      const reused = await fetch(`${t.url}/token`, form({ tenant_id: slug, client_id: clientId, client_secret: secret, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }));
      assert.equal(reused.status, 400);
      assert.equal(((await reused.json()) as { error: string }).error, 'invalid_grant', 'OAuth errors keep RFC 6749’s shape');

      const missing = await fetch(`${t.url}/token`, form({ tenant_id: slug, grant_type: 'refresh_token' }));
      assert.equal(missing.status, 422);
      assert.deepEqual(((await missing.json()) as { detail: Array<{ loc: unknown[] }> }).detail[0]!.loc, ['body', 'client_id']);
      assert.equal((await fetch(`${t.url}/token`, form({ tenant_id: 'no-such-tenant', client_id: clientId, grant_type: 'refresh_token' }))).status, 404);

      const logout = await fetch(`${t.url}/logout?${new URLSearchParams({ id_token_hint: String(body.id_token), post_logout_redirect_uri: 'https://rp.example/bye', state: 's' })}`, { redirect: 'manual' });
      assert.equal(logout.status, 200, 'the logout confirmation of the hint’s issuer');
      const foreign = await fetch(`${t.url}/logout?${new URLSearchParams({ id_token_hint: 'not-a-jwt' })}`);
      assert.equal(foreign.status, 422);
    });

    /** A signed-in user's tokens, through the hosted sign-in. */
    async function tokensOf(login: string, password: string) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const { callback } = await signIn(password, verifier, state, login);
      return client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
    }

    async function addUser(username: string, password: string): Promise<string> {
      const made = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username, email: `${username}@example.com`, password, is_verified: true }, headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(made.status, 201, made.text);
      return made.body.user_id as string;
    }

    test('refreshTokenRevocationPolicy: a password change revokes the user’s refresh tokens (unless switched off)', async () => {
      await addUser('lin', 'First-Password-0001');
      const tokens = await tokensOf('lin', 'First-Password-0001');
      const changed = await t.fetch('/api/user/change-password', { method: 'POST', headers: { 'x-fusionauth-tenantid': tenantId }, body: { loginId: 'lin', currentPassword: 'First-Password-0001', password: 'Second-Password-0002' } });
      assert.equal(changed.status, 200, changed.text);
      await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant');

      assert.equal((await attempt(t.client().patchTenant(tenantId, { tenant: { jwtConfiguration: { refreshTokenRevocationPolicy: { onPasswordChanged: false } } } as any }))).statusCode, 200);
      try {
        const kept = await tokensOf('lin', 'Second-Password-0002');
        const again = await t.fetch('/api/user/change-password', { method: 'POST', headers: { 'x-fusionauth-tenantid': tenantId }, body: { loginId: 'lin', currentPassword: 'Second-Password-0002', password: 'Third-Password-0003' } });
        assert.equal(again.status, 200, again.text);
        assert.ok((await client.refreshTokenGrant(config, kept.refresh_token!)).access_token, 'the policy switched off keeps them');
      } finally {
        await attempt(t.client().patchTenant(tenantId, { tenant: { jwtConfiguration: { refreshTokenRevocationPolicy: { onPasswordChanged: true } } } as any }));
      }
    });

    test('refreshTokenRevocationPolicy: a lockout revokes the user’s refresh tokens', async () => {
      await addUser('max', 'Max-Password-0001');
      const tokens = await tokensOf('max', 'Max-Password-0001');
      assert.equal((await attempt(t.client().patchTenant(tenantId, { tenant: { failedAuthenticationConfiguration: { tooManyAttempts: 2, resetCountInSeconds: 60, actionDuration: 3, actionDurationUnit: 'MINUTES' } } as any }))).statusCode, 200);
      for (let i = 0; i < 2; i++) {
        const failed = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': tenantId }, body: { loginId: 'max', password: 'wrong-password' } });
        assert.equal(failed.status, 404, failed.text);
      }
      await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant');
    });

    test('response_mode=form_post: the engine’s auto-submitting page carries the pages’ headers, runs only its own script and posts only to the client', async () => {
      const browser = new Browser(t.url);
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'fp', response_mode: 'form_post' });
      const login = await browser.follow(await browser.request(url.href));
      const html = await login.response.text();
      const done = await browser.follow(await browser.request(actionOf(html), { method: 'POST', form: { _csrf: csrfOf(html), login: 'ada', password: 'Analytical-Engine-1843' } }));
      const page = await done.response.text();
      assert.equal(done.response.status, 200, page);
      assert.match(page, new RegExp(`<form method="post" action="${REDIRECT}">`), 'the form posts the code to the client');
      assert.match(page, /name="code"/);
      const policy = done.response.headers.get('content-security-policy') ?? '';
      const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
      const hash = `'sha256-${crypto.createHash('sha256').update(script).digest('base64')}'`;
      assert.ok(policy.split('; ').includes(`script-src ${hash}`), `only the page's own script may run: ${policy}`);
      assert.ok(policy.split('; ').includes("form-action 'self' https://rp.example"), policy);
      assert.ok(policy.includes("frame-ancestors 'none'") && policy.startsWith("default-src 'none'"), policy);
      assert.equal(done.response.headers.get('x-frame-options'), 'DENY');
      assert.equal(done.response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(done.response.headers.get('cache-control'), 'no-store');
    });

    test('the authorization endpoint’s other answers carry no leftover policy of that page', async () => {
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const toLogin = await fetch(url, { redirect: 'manual' });
      assert.equal(toLogin.status, 303);
      assert.equal(toLogin.headers.get('content-security-policy'), null);
    });

    test('a wrong password gets the generic sign-in error (the one an unknown user gets too); the page echoes no password', async () => {
      const wrong = await signIn('not-the-password', client.randomPKCECodeVerifier(), client.randomState());
      assert.equal(wrong.page?.status, 401);
      assert.match(wrong.page!.html, /do not match/);
      assert.doesNotMatch(wrong.page!.html, /not-the-password/);
    });
  });
}
