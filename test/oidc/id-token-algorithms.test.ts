/**
 * The Vault client's `sing_alg` chooses the ID token's signature: EdDSA (the Vault default) with
 * an Ed25519 key the tenant's keystore gains for it, or RS256.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { signInThroughHostedPage } from '../support/form-browser.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

const REDIRECT = 'https://alg-rp.example/cb';

for (const backend of backends()) {
  describe(`ID token algorithms of Vault clients on ${backend.name}`, () => {
    let t: TestServer;
    let issuer: string;
    let slug: string;
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Alg ${crypto.randomUUID().slice(0, 6)}` } }));
      slug = (await t.server.tenants.get({}, created.response.tenant!.id!)).slug;
      issuer = `${t.url}/${slug}`;
      const user = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username: 'ada', email: 'ada@alg.example', password: 'Analytical-Engine-1843', is_verified: true }, headers: bearer() });
      assert.equal(user.status, 201, user.text);
    });
    after(async () => t?.stop());

    async function idTokenOf(clientId: string, secret: string, alg: string): Promise<string> {
      const config = await client.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: alg }, client.ClientSecretPost(secret), { execute: [client.allowInsecureRequests] });
      const { callback, verifier, state } = await signInThroughHostedPage(client, config, { origin: t.url, redirectUri: REDIRECT, scope: 'openid', login: 'ada', password: 'Analytical-Engine-1843' });
      return (await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })).id_token!;
    }

    const okpKeys = async () => ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ kty: string; alg: string }> }).keys.filter((k) => k.kty === 'OKP');

    test('a client left at the default signs its ID tokens with EdDSA; the keystore publishes the Ed25519 keys first', async () => {
      assert.deepEqual(await okpKeys(), [], 'no Ed25519 keys before a client needs them');
      const made = await t.fetch('/clients', { method: 'POST', headers: bearer(), body: { tenant_id: slug, client_id: 'ed-app', name: 'Ed App', redirect_uris: [REDIRECT], allowed_scopes: ['openid'] } });
      assert.equal(made.status, 200, made.text);
      assert.equal(made.body.sing_alg, 'EdDSA');
      const published = await okpKeys();
      assert.equal(published.length, 2, 'a current and a next Ed25519 key');
      assert.ok(published.every((k) => k.alg === 'EdDSA'));
      const idToken = await idTokenOf('ed-app', made.body.client_secret, 'EdDSA');
      assert.equal(decodeProtectedHeader(idToken).alg, 'EdDSA');
      await jwtVerify(idToken, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'ed-app' });
    });

    test('sing_alg RS256 signs with RS256', async () => {
      const made = await t.fetch('/clients', { method: 'POST', headers: bearer(), body: { tenant_id: slug, client_id: 'rs-app', name: 'RS App', redirect_uris: [REDIRECT], allowed_scopes: ['openid'], sing_alg: 'RS256' } });
      assert.equal(made.status, 200, made.text);
      const idToken = await idTokenOf('rs-app', made.body.client_secret, 'RS256');
      assert.equal(decodeProtectedHeader(idToken).alg, 'RS256');
    });

    test('two EdDSA clients of a new tenant saved at the same moment both succeed, and the tenant gains one Ed25519 family', async () => {
      const other = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Alg race ${crypto.randomUUID().slice(0, 6)}` } }));
      const raceSlug = (await t.server.tenants.get({}, other.response.tenant!.id!)).slug;
      const save = (clientId: string) => t.fetch('/clients', { method: 'POST', headers: bearer(), body: { tenant_id: raceSlug, client_id: clientId, name: clientId, redirect_uris: [REDIRECT], allowed_scopes: ['openid'] } });
      const answers = await Promise.all([save('race-a'), save('race-b'), save('race-c')]);
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200], answers.map((a) => a.text).join('\n'));
      const keys = ((await (await fetch(`${t.url}/${raceSlug}/jwks`)).json()) as { keys: Array<{ kty: string }> }).keys.filter((k) => k.kty === 'OKP');
      assert.equal(keys.length, 2, 'one current and one next Ed25519 key');
    });
  });
}
