/**
 * A user's access token for the tenant's API: a JWT signed with the tenant's current key,
 * carrying the user's roles, when the client asks for an API scope (or names the tenant's API
 * as `resource`). Resource servers verify it with the JWKS, or ask the introspection endpoint,
 * which also knows when the token's grant ended (code reuse, refresh-token reuse, revocation of
 * its refresh token) or its key was revoked.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { backends } from '../support/backends.js';
import { clientRecord } from '../support/clients.js';
import { attempt } from '../support/fa.js';
import { signInThroughHostedPage } from '../support/form-browser.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

const REDIRECT = 'https://api-rp.example/callback';

for (const backend of backends()) {
  describe(`JWT access tokens of signed-in users on ${backend.name}`, () => {
    let t: TestServer;
    let issuer: string;
    let slug: string;
    let tenantId: string;
    let userId: string;
    let config: client.Configuration;
    const secret = crypto.randomBytes(32).toString('base64url');
    const clientId = 'api-app';
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `JWT AT ${crypto.randomUUID().slice(0, 6)}` } }));
      tenantId = created.response.tenant!.id!;
      slug = (await t.server.tenants.get({}, tenantId)).slug;
      issuer = `${t.url}/${slug}`;
      const user = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username: 'ada', email: 'ada@example.com', password: 'Analytical-Engine-1843', roles: ['admin', 'editor'], is_verified: true }, headers: bearer() });
      assert.equal(user.status, 201, user.text);
      userId = user.body.user_id;
      await t.server.storage
        .forTenant(tenantId)
        .clients.insert(clientRecord(tenantId, clientId, secret, { name: 'API App', redirectUris: [REDIRECT], allowedScopes: ['openid', 'email', 'api:read'] }));
      config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    });
    after(async () => t?.stop());

    async function tokens(extra: Record<string, string> = {}, scope = 'openid api:read') {
      const { callback, verifier, state } = await signInThroughHostedPage(client, config, { origin: t.url, redirectUri: REDIRECT, scope, login: 'ada', password: 'Analytical-Engine-1843', extra });
      const issued = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
      return { issued, callback, verifier, state };
    }

    const introspect = async (token: string) => (await client.tokenIntrospection(config, token)) as Record<string, unknown>;

    test('an API scope gets a JWT for the tenant’s API, signed with its key, carrying the roles; introspection tells the same', async () => {
      const { issued } = await tokens();
      assert.equal(decodeProtectedHeader(issued.access_token).typ, 'at+jwt');
      const { payload } = await jwtVerify(issued.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: issuer });
      assert.equal(payload.sub, userId);
      assert.equal(payload.client_id, clientId);
      assert.deepEqual(payload.roles, ['admin', 'editor']);
      assert.match(String(payload.scope), /\bapi:read\b/);
      const seen = await introspect(issued.access_token);
      assert.equal(seen.active, true);
      assert.equal(seen.sub, userId);
      assert.equal(seen.iss, issuer);
      assert.deepEqual(seen.roles, ['admin', 'editor']);
      assert.equal(seen.token_type, 'Bearer');
      assert.equal(seen.gid, undefined, 'the grant it belongs to is not shown');

      const refreshed = await client.refreshTokenGrant(config, issued.refresh_token!);
      assert.equal(decodeProtectedHeader(refreshed.access_token).typ, 'at+jwt', 'refresh keeps the resource');
      assert.equal((await introspect(refreshed.access_token)).active, true);
    });

    test('naming the tenant’s API as resource does the same; without an API scope the token is opaque, for userinfo', async () => {
      const { issued } = await tokens({ resource: issuer });
      assert.equal(decodeJwt(issued.access_token).aud, issuer);
      const plain = await tokens({}, 'openid email');
      assert.throws(() => decodeProtectedHeader(plain.issued.access_token), 'opaque');
      const info = await client.fetchUserInfo(config, plain.issued.access_token, plain.issued.claims()!.sub);
      assert.equal(info.email, 'ada@example.com');
    });

    test('a second use of the code ends the grant: the first use’s JWT is inactive', async () => {
      const { issued, callback, verifier, state } = await tokens();
      assert.equal((await introspect(issued.access_token)).active, true);
      await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }), (e: any) => e.error === 'invalid_grant');
      assert.deepEqual(await introspect(issued.access_token), { active: false });
    });

    test('revoking the refresh token ends the grant, and with it the JWT', async () => {
      const { issued } = await tokens();
      await client.tokenRevocation(config, issued.refresh_token!);
      assert.equal((await introspect(issued.access_token)).active, false);
    });

    test('a revoked key’s tokens fail introspection at once; an altered token never passes', async () => {
      const { issued } = await tokens();
      const [header, payload, signature] = issued.access_token.split('.');
      const altered = Buffer.from(JSON.stringify({ ...decodeJwt(issued.access_token), roles: ['superuser'] })).toString('base64url');
      assert.equal((await introspect(`${header}.${altered}.${signature}`)).active, false, 'altered claims');
      assert.equal((await introspect(`${header}.${payload}.`)).active, false, 'no signature');

      const kid = decodeProtectedHeader(issued.access_token).kid!;
      assert.equal((await t.fetch(`/tenants/${slug}/keys/${kid}/revoke`, { method: 'POST', headers: bearer() })).status, 200);
      assert.equal((await introspect(issued.access_token)).active, false, 'signed by a revoked key');
      const after = await tokens();
      assert.notEqual(decodeProtectedHeader(after.issued.access_token).kid, kid, 'the next key signs');
      assert.equal((await introspect(after.issued.access_token)).active, true);
    });

    test('another tenant’s provider finds nothing good in this tenant’s token', async () => {
      const { issued } = await tokens();
      const other = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `JWT AT other ${crypto.randomUUID().slice(0, 6)}` } }));
      const otherId = other.response.tenant!.id!;
      const otherSlug = (await t.server.tenants.get({}, otherId)).slug;
      const otherSecret = crypto.randomBytes(32).toString('base64url');
      await t.server.storage.forTenant(otherId).clients.insert(clientRecord(otherId, 'rs-b', otherSecret, { name: 'RS B', redirectUris: [], allowedScopes: ['api:read'] }));
      const atB = await client.discovery(new URL(`${t.url}/${otherSlug}`), 'rs-b', undefined, client.ClientSecretBasic(otherSecret), { execute: [client.allowInsecureRequests] });
      assert.deepEqual(await client.tokenIntrospection(atB, issued.access_token), { active: false });
    });

    test('introspection still needs the client to authenticate', async () => {
      const { issued } = await tokens();
      const response = await fetch(`${issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` }, body: new URLSearchParams({ token: issued.access_token }).toString() });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    });
  });
}
