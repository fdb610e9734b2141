/**
 * Every tenant an OpenID Provider, as a relying party built on openid-client sees it: discovery
 * and JWKS per tenant (and FusionAuth's discovery path), client credentials with a JWT access
 * token signed by the tenant's key, introspection and revocation, and the isolation between
 * tenants (a token of A refused by B, a client of A unknown at B) — on every back end.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { ClientRecord } from '../../src/storage/contract.js';
import { clientRecord } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

/** The OAuth error code of a refusal, from the body or from the WWW-Authenticate challenge. */
function oauthError(error: any): string | undefined {
  return error?.error ?? error?.cause?.[0]?.parameters?.error;
}

interface TestTenant {
  id: string;
  slug: string;
  issuer: string;
}

for (const backend of backends()) {
  describe(`OpenID Provider per tenant on ${backend.name}`, () => {
    let t: TestServer;
    let a: TestTenant;
    let b: TestTenant;

    const tenant = async (name: string): Promise<TestTenant> => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const id = created.response.tenant!.id!;
      const slug = (await t.server.tenants.get({}, id)).slug;
      return { id, slug, issuer: `${t.url}/${slug}` };
    };

    /** A confidential client stored for the tenant; returns its id and secret. */
    const addClient = async (of: TestTenant, overrides: Partial<ClientRecord> = {}): Promise<{ id: string; secret: string }> => {
      const secret = crypto.randomBytes(32).toString('base64url');
      const id = `svc-${crypto.randomUUID().slice(0, 8)}`;
      await t.server.storage.forTenant(of.id).clients.insert(clientRecord(of.id, id, secret, { name: 'Service', allowedScopes: ['openid', 'api:read'], ...overrides }));
      return { id, secret };
    };

    const configFor = (of: TestTenant, id: string, secret: string) =>
      client.discovery(new URL(of.issuer), id, undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      a = await tenant(`OP A ${crypto.randomUUID().slice(0, 6)}`);
      b = await tenant(`OP B ${crypto.randomUUID().slice(0, 6)}`);
    });
    after(async () => t?.stop());

    test('discovery names the tenant’s issuer and endpoints under it; FusionAuth’s path answers the same document', async () => {
      const doc = await (await fetch(`${a.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.equal(doc.issuer, a.issuer);
      for (const endpoint of ['token_endpoint', 'jwks_uri', 'authorization_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'userinfo_endpoint', 'end_session_endpoint']) {
        assert.ok(String(doc[endpoint]).startsWith(`${a.issuer}/`), `${endpoint} ${String(doc[endpoint])}`);
      }
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256'], 'plain PKCE is not offered');
      const viaId = await (await fetch(`${t.url}/.well-known/openid-configuration/${a.id}`)).json();
      assert.deepEqual(viaId, doc);
      const other = await (await fetch(`${b.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.equal(other.issuer, b.issuer);
      assert.equal((await fetch(`${t.url}/no-such-tenant/.well-known/openid-configuration`)).status, 404);
      assert.equal((await fetch(`${t.url}/.well-known/openid-configuration/${crypto.randomUUID()}`)).status, 404);
    });

    test('the JWKS publishes the tenant’s own public keys, and no private part', async () => {
      const response = await fetch(`${a.issuer}/jwks`);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=30', 'cacheable, briefly');
      const jwksA = (await response.json()) as { keys: Array<Record<string, unknown>> };
      const jwksB = (await (await fetch(`${b.issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
      const tenantA = await t.server.tenants.get({}, a.id);
      const kids = new Set(jwksA.keys.map((k) => k.kid));
      assert.equal(jwksA.keys.length, 4, 'a current and a pre-published next key per algorithm');
      for (const key of jwksA.keys) assert.equal(key.d, undefined, 'no private exponent or scalar');
      assert.deepEqual(new Set(jwksA.keys.map((k) => k.alg)), new Set(['RS256', 'ES256']));
      assert.ok(!jwksB.keys.some((k) => kids.has(k.kid)), 'tenants share no keys');
      assert.ok(tenantA.settings.tokens.accessTokenKeyId);
    });

    test('client credentials: a JWT access token signed by the tenant’s key, for its issuer', async () => {
      const svc = await addClient(a);
      const config = await configFor(a, svc.id, svc.secret);
      const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
      assert.equal(tokens.token_type?.toLowerCase(), 'bearer');
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${a.issuer}/jwks`)), { issuer: a.issuer, audience: a.issuer });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.client_id, svc.id);
      assert.equal(payload.scope, 'api:read');
      assert.ok(Number(payload.exp) - Number(payload.iat) === (await t.server.tenants.get({}, a.id)).settings.tokens.accessTokenTtlSeconds, 'the tenant’s access-token lifetime');
    });

    test('a service client with API scopes only (no OpenID scope, no redirect URI) gets tokens', async () => {
      const svc = await addClient(a, { allowedScopes: ['api:read'], redirectUris: [] });
      const tokens = await client.clientCredentialsGrant(await configFor(a, svc.id, svc.secret), { scope: 'api:read' });
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${a.issuer}/jwks`)));
      assert.equal(payload.scope, 'api:read');
    });

    test('a wrong secret, a locked client and a scope the client may not have are refused', async () => {
      const svc = await addClient(a);
      const wrong = await configFor(a, svc.id, `${svc.secret}x`);
      await assert.rejects(client.clientCredentialsGrant(wrong, { scope: 'api:read' }), (error: any) => oauthError(error) === 'invalid_client');
      const locked = await addClient(a, { locked: true });
      await assert.rejects(client.clientCredentialsGrant(await configFor(a, locked.id, locked.secret), {}), (error: any) => oauthError(error) === 'invalid_client');
      const narrowed = await client.clientCredentialsGrant(await configFor(a, svc.id, svc.secret), { scope: 'api:read api:write' });
      const { payload } = await jwtVerify(narrowed.access_token, createRemoteJWKSet(new URL(`${a.issuer}/jwks`)));
      assert.equal(payload.scope, 'api:read', 'a scope the client was not allowed is not granted');
    });

    test('a tenant with more clients than its provider holds built: the first, the last and one in between get tokens, a locked one does not', async () => {
      const many = await tenant(`OP many ${crypto.randomUUID().slice(0, 6)}`);
      const secret = crypto.randomBytes(32).toString('base64url');
      const ids = Array.from({ length: 205 }, (_, i) => `c-${String(i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries()) await t.server.storage.forTenant(many.id).clients.insert(clientRecord(many.id, id, secret, { name: id, allowedScopes: ['api:read'], locked: i === 7 }));
      for (const id of ['c-000', 'c-100', 'c-204']) {
        const tokens = await client.clientCredentialsGrant(await configFor(many, id, secret), { scope: 'api:read' });
        assert.ok(tokens.access_token, id);
      }
      await assert.rejects(client.clientCredentialsGrant(await configFor(many, 'c-007', secret), { scope: 'api:read' }), (error: any) => oauthError(error) === 'invalid_client');
      await assert.rejects(client.clientCredentialsGrant(await configFor(many, 'c-204', `${secret}x`), { scope: 'api:read' }), (error: any) => oauthError(error) === 'invalid_client', 'a client from the adapter still checks its secret');
    });

    test('a client made with the Vault client API gets tokens; locking it through the API refuses it at once', async () => {
      const bearer = { authorization: `Bearer ${t.apiKey}` };
      const made = await t.fetch('/clients', { method: 'POST', headers: bearer, body: { tenant_id: a.slug, client_id: 'vault-made', name: 'Vault made', allowed_scopes: ['openid', 'api:read'] } });
      assert.equal(made.status, 200, made.text);
      const secret: string = made.body.client_secret;
      const config = await client.discovery(new URL(a.issuer), 'vault-made', undefined, client.ClientSecretPost(secret), { execute: [client.allowInsecureRequests] });
      const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
      assert.ok(tokens.access_token);
      const locked = await t.fetch('/clients/vault-made', { method: 'PUT', headers: bearer, body: { ...made.body, client_secret: undefined, tenant_id: a.slug, is_lock: true } });
      assert.equal(locked.status, 200, locked.text);
      await assert.rejects(client.clientCredentialsGrant(config, { scope: 'api:read' }), (error: any) => oauthError(error) === 'invalid_client', 'the provider was rebuilt on the client change');
    });

    test('key rotation: the next key was published before it signs, earlier tokens still verify, a revoked key’s tokens do not', async () => {
      const c = await tenant(`OP rot ${crypto.randomUUID().slice(0, 6)}`);
      const svc = await addClient(c);
      const jwks = async () => ((await (await fetch(`${c.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
      const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
      const before = await jwks();
      const first = (await client.clientCredentialsGrant(await configFor(c, svc.id, svc.secret), { scope: 'api:read' })).access_token;
      const bearer = { authorization: `Bearer ${t.apiKey}` };
      assert.equal((await t.fetch(`/tenants/${c.slug}/keys/rotate`, { method: 'POST', headers: bearer })).status, 200);
      const second = (await client.clientCredentialsGrant(await configFor(c, svc.id, svc.secret), { scope: 'api:read' })).access_token;
      assert.notEqual(kidOf(second), kidOf(first), 'the new current key signs');
      assert.ok(before.includes(kidOf(second)), 'and it was in the JWKS before the rotation');
      const remote = () => createRemoteJWKSet(new URL(`${c.issuer}/jwks`), { cacheMaxAge: 0, cooldownDuration: 0 });
      await jwtVerify(first, remote());
      const rs = await configFor(c, svc.id, svc.secret);
      assert.equal((await client.tokenIntrospection(rs, first)).active, true, 'introspection: good before the revocation');
      assert.equal((await t.fetch(`/tenants/${c.slug}/keys/${kidOf(first)}/revoke`, { method: 'POST', headers: bearer })).status, 200);
      assert.ok(!(await jwks()).includes(kidOf(first)), 'gone from the provider’s JWKS at once');
      await assert.rejects(jwtVerify(first, remote()));
      assert.deepEqual(await client.tokenIntrospection(rs, first), { active: false }, 'introspection: its key was revoked');
      await jwtVerify(second, remote());
      assert.equal((await client.tokenIntrospection(rs, second)).active, true);
    });

    test('tenants are islands: A’s client is unknown at B, and B does not accept A’s token', async () => {
      const svc = await addClient(a);
      await assert.rejects(client.clientCredentialsGrant(await configFor(b, svc.id, svc.secret), {}), (error: any) => oauthError(error) === 'invalid_client');
      const tokenOfA = (await client.clientCredentialsGrant(await configFor(a, svc.id, svc.secret), { scope: 'api:read' })).access_token;
      await assert.rejects(jwtVerify(tokenOfA, createRemoteJWKSet(new URL(`${b.issuer}/jwks`))), 'B’s keys do not verify A’s token');
    });

    test('a tenant that signs with shared keys (Key API keys its settings name) has a working provider: those keys sign and are published', async () => {
      const generate = async (algorithm: string) => {
        const key = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: algorithm as any, name: `shared-${algorithm}-${crypto.randomUUID()}` } }));
        assert.equal(key.statusCode, 200, JSON.stringify(key.response));
        return { id: key.response.key!.id!, kid: key.response.key!.kid! };
      };
      const es = await generate('ES256');
      const rs = await generate('RS256');
      const create = async (jwtConfiguration: Record<string, string>): Promise<TestTenant> => {
        const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Shared keys ${crypto.randomUUID().slice(0, 6)}`, jwtConfiguration: jwtConfiguration as any } }));
        assert.equal(created.statusCode, 200, JSON.stringify(created.response));
        const id = created.response.tenant!.id!;
        const slug = (await t.server.tenants.get({}, id)).slug;
        return { id, slug, issuer: `${t.url}/${slug}` };
      };
      // Both keys shared: the tenant has no keystore of its own.
      const both = await create({ accessTokenKeyId: es.id, idTokenKeyId: rs.id });
      // The id-token key shared, the access-token family its own.
      const idOnly = await create({ idTokenKeyId: rs.id });
      for (const [of, accessKid] of [[both, es.kid], [idOnly, undefined]] as const) {
        const jwks = (await (await fetch(`${of.issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
        assert.ok(jwks.keys.some((k) => k.kid === rs.kid), 'the shared id-token key is published');
        for (const key of jwks.keys) assert.equal(key.d, undefined, 'no private part');
        const svc = await addClient(of);
        const tokens = await client.clientCredentialsGrant(await configFor(of, svc.id, svc.secret), { scope: 'api:read' });
        const { protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${of.issuer}/jwks`)), { issuer: of.issuer, audience: of.issuer });
        assert.equal(protectedHeader.alg, 'ES256');
        if (accessKid) assert.equal(protectedHeader.kid, accessKid, 'the shared access-token key signs');
        else assert.notEqual(protectedHeader.kid, es.kid);
      }
    });

    test('a tenant change rebuilds its provider: a renamed tenant keeps its issuer, a deleted tenant stops answering', async () => {
      const c = await tenant(`OP C ${crypto.randomUUID().slice(0, 6)}`);
      assert.equal((await fetch(`${c.issuer}/.well-known/openid-configuration`)).status, 200);
      assert.equal((await attempt(t.client().patchTenant(c.id, { tenant: { name: `OP C renamed ${crypto.randomUUID().slice(0, 6)}` } }))).statusCode, 200);
      const doc = (await (await fetch(`${c.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
      assert.equal(doc.issuer, c.issuer);
      assert.equal((await attempt(t.client().deleteTenant(c.id))).statusCode, 200);
      assert.equal((await fetch(`${c.issuer}/.well-known/openid-configuration`)).status, 404);
    });

    test('session and interaction cookies are named and scoped per tenant', async () => {
      const svc = await addClient(a);
      const url = `${a.issuer}/auth?client_id=${svc.id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://rp.example/cb')}&code_challenge=${'x'.repeat(43)}&code_challenge_method=S256`;
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 303, await response.text());
      assert.ok(response.headers.get('location')?.startsWith(`/${a.slug}/interaction/`), String(response.headers.get('location')));
      const cookies = response.headers.getSetCookie();
      assert.ok(cookies.length > 0);
      for (const cookie of cookies) {
        assert.ok(cookie.startsWith(`_t_${a.slug}_`), cookie);
        assert.match(cookie, new RegExp(`path=/${a.slug}(/|;)`, 'i'));
      }
    });

    test('an unregistered redirect URI is an error page, never a redirect; plain PKCE is refused', async () => {
      const svc = await addClient(a);
      const base = `${a.issuer}/auth?client_id=${svc.id}&response_type=code&scope=openid`;
      const unregistered = await fetch(`${base}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&code_challenge=${'x'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
      assert.equal(unregistered.status, 400);
      assert.equal(unregistered.headers.get('location'), null);
      const html = await unregistered.text();
      assert.match(html, /invalid_redirect_uri/);
      assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/, 'the error page loads nothing from elsewhere');
      for (const altered of ['https://rp.example/cb/', 'https://rp.example/cb?next=1', 'https://rp.example/cb#x', 'https://RP.example/cb', 'https://rp.example:443/cb/../cb', 'http://rp.example/cb']) {
        const response = await fetch(`${base}&redirect_uri=${encodeURIComponent(altered)}&code_challenge=${'x'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
        assert.equal(response.status, 400, `${altered}: an error page`);
        assert.equal(response.headers.get('location'), null, `${altered}: no redirect`);
      }
      const plain = await fetch(`${base}&redirect_uri=${encodeURIComponent('https://rp.example/cb')}&code_challenge=${'x'.repeat(43)}&code_challenge_method=plain`, { redirect: 'manual' });
      assert.equal(plain.status, 303, 'errors for a registered redirect URI go back to the client');
      assert.match(String(plain.headers.get('location')), /^https:\/\/rp\.example\/cb\?error=invalid_request/);
    });
  });
}
