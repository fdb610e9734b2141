/**
 * Each tenant's keystore through the Vault routes, on every back end, against a real server:
 * states and instants of a rotation, the next key published before it signs, tokens signed
 * before a rotation still verifying, revocation taking a key (and its tokens) out at once, a
 * peer instance hearing of a rotation through the change feed, FusionAuth's key ids following
 * rotation, and the certificates matching their keys.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

x509.cryptoProvider.set(crypto.webcrypto as never);

interface Entry { key: JWK & { 'x5t#S256'?: string }; state: string; created_at: number; rotated_at?: number; revoked_at?: number; published: boolean }
interface Keystore { tenant_id: string; keystore: Entry[]; keys: JWK[] }

const byState = (ks: Keystore, state: string, alg?: string) => ks.keystore.filter((e) => e.state === state && (alg === undefined || e.key.alg === alg));
const one = (ks: Keystore, state: string, alg: string): Entry => {
  const found = byState(ks, state, alg);
  assert.equal(found.length, 1, `exactly one ${state} ${alg} key: ${JSON.stringify(ks.keystore.map((e) => [e.key.alg, e.state]))}`);
  return found[0]!;
};
const kids = (ks: Keystore) => ks.keys.map((k) => k.kid);

for (const backend of backends()) {
  describe(`tenant keystore on ${backend.name}`, () => {
    let t: TestServer;
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });

    async function tenant() {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Keys ${crypto.randomUUID().slice(0, 8)}` } }));
      const fa = created.response.tenant;
      const slug = new URL(fa.issuer!).pathname.slice(1);
      const api = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(`/tenants/${slug}${path}`, { ...init, headers: { ...bearer(), ...(init.headers ?? {}) } });
      const keystore = async (): Promise<Keystore> => {
        const response = await api('/keys');
        assert.equal(response.status, 200, response.text);
        return response.body as Keystore;
      };
      const rotate = async (): Promise<Keystore> => {
        const response = await api('/keys/rotate', { method: 'POST' });
        assert.equal(response.status, 200, response.text);
        return response.body as Keystore;
      };
      const revoke = (kid: string) => api(`/keys/${kid}/revoke`, { method: 'POST' });
      const password = 'keystore-password-1';
      const user = await api('/users', { method: 'POST', body: { username: 'signer', email: 'signer@example.com', password } });
      assert.equal(user.status, 201, user.text);
      /** An access token from FusionAuth's login, signed with the tenant's current ES256 key. */
      const token = async (): Promise<string> => {
        const login = await t.fetch('/api/login', { method: 'POST', body: { loginId: 'signer', password }, headers: { 'x-fusionauth-tenantid': fa.id! } });
        assert.equal(login.status, 200, login.text);
        return login.body.token as string;
      };
      const faKeyIds = async () => {
        const view = await attempt(t.client().retrieveTenant(fa.id!));
        return view.response.tenant!.jwtConfiguration!;
      };
      return { id: fa.id!, slug, api, keystore, rotate, revoke, token, faKeyIds };
    }

    /** Verifies against the JWKS as published now; the error's code when it fails. */
    async function verifies(token: string, jwks: { keys: JWK[] }): Promise<true | string> {
      try {
        await jwtVerify(token, createLocalJWKSet(jwks));
        return true;
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    }

    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    test('a new tenant has a current and a pre-published next key per algorithm; FusionAuth names the current ones', async () => {
      const ten = await tenant();
      const ks = await ten.keystore();
      assert.equal(ks.tenant_id, ten.slug);
      for (const alg of ['ES256', 'RS256']) {
        const current = one(ks, 'current', alg);
        const next = one(ks, 'next', alg);
        for (const e of [current, next]) {
          assert.equal(e.published, true);
          assert.equal(e.rotated_at, undefined);
          assert.equal(e.revoked_at, undefined);
          assert.equal(typeof e.created_at, 'number');
        }
      }
      assert.equal(ks.keystore.length, 4);
      // Current keys first (they sign), then the next ones.
      assert.deepEqual(ks.keys.slice(0, 2).map((k) => kids({ keys: [k] } as Keystore)[0]).sort(), [one(ks, 'current', 'ES256').key.kid, one(ks, 'current', 'RS256').key.kid].sort());
      const members = { RSA: ['alg', 'e', 'key_ops', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t', 'x5t#S256'], EC: ['alg', 'crv', 'key_ops', 'kid', 'kty', 'use', 'x', 'x5c', 'x5t', 'x5t#S256', 'y'] } as Record<string, string[]>;
      for (const key of ks.keys) {
        assert.deepEqual(Object.keys(key).sort(), members[key.kty!], `the public JWK has exactly seed 000's members (${key.kty})`);
        assert.equal(key.use, 'sig');
        assert.deepEqual(key.key_ops, ['verify']);
        assert.ok(!('d' in key) && !('p' in key), 'no private member is published');
      }
      const view = await ten.faKeyIds();
      const byKid = async (alg: string) => {
        const key = await attempt(t.client().retrieveKey(view[alg === 'ES256' ? 'accessTokenKeyId' : 'idTokenKeyId']!));
        return key.response.key!.kid;
      };
      assert.equal(await byKid('ES256'), one(ks, 'current', 'ES256').key.kid);
      assert.equal(await byKid('RS256'), one(ks, 'current', 'RS256').key.kid);
      // The Key API may not delete a next key (it is about to sign) nor a current one.
      const stored = await t.server.storage.keys.keystoreOf(ten.id);
      for (const key of stored) {
        const deleted = await attempt(t.client().deleteKey(key.id));
        assert.equal(deleted.statusCode, 400, `${key.keystoreState} ${key.algorithm}`);
        assert.equal(deleted.response.generalErrors[0].code, '[inUse]keyId');
      }
    });

    test('rotation: next → current, current → previous (rotated now), a new next; old tokens still verify, new ones are signed by the former next key', async () => {
      const ten = await tenant();
      const before = await ten.keystore();
      const oldToken = await ten.token();
      const nextKid = one(before, 'next', 'ES256').key.kid;
      assert.equal(decodeProtectedHeader(oldToken).kid, one(before, 'current', 'ES256').key.kid);
      assert.ok(kids(before).includes(nextKid), 'the next key is published before it signs');

      t.clock.advance(5_000);
      const rotatedAt = t.clock.now();
      const after = await ten.rotate();
      assert.deepEqual(after, await ten.keystore(), 'the answer is the stored keystore');
      for (const alg of ['ES256', 'RS256']) {
        const was = { current: one(before, 'current', alg), next: one(before, 'next', alg) };
        const previous = one(after, 'previous', alg);
        assert.equal(previous.key.kid, was.current.key.kid);
        assert.ok(previous.rotated_at! >= rotatedAt && previous.rotated_at! < rotatedAt + 60_000, 'rotated_at is the rotation instant');
        assert.equal(previous.published, true, 'within the grace period');
        assert.equal(one(after, 'current', alg).key.kid, was.next.key.kid);
        assert.equal(one(after, 'current', alg).created_at, was.next.created_at, 'the promoted key keeps its creation instant');
        const next = one(after, 'next', alg);
        assert.ok(!before.keystore.some((e) => e.key.kid === next.key.kid), 'a new next key');
        assert.ok(next.created_at >= rotatedAt);
      }
      assert.equal(await verifies(oldToken, after), true, 'a token signed before the rotation verifies with the JWKS');
      const newToken = await ten.token();
      assert.equal(decodeProtectedHeader(newToken).kid, nextKid, 'the former next key signs now');
      assert.equal(await verifies(newToken, after), true);
      const view = await ten.faKeyIds();
      const current = await attempt(t.client().retrieveKey(view.accessTokenKeyId!));
      assert.equal(current.response.key!.kid, nextKid, "FusionAuth's accessTokenKeyId follows the rotation");
      const idKey = await attempt(t.client().retrieveKey(view.idTokenKeyId!));
      assert.equal(idKey.response.key!.kid, one(after, 'current', 'RS256').key.kid, "and so does idTokenKeyId");
    });

    test('a previous key leaves the JWKS when the grace period (the longest token lifetime) ends, and stays listed', async () => {
      const ten = await tenant();
      const token = await ten.token();
      const rotated = await ten.rotate();
      const previousKid = one(rotated, 'previous', 'ES256').key.kid;
      // The default lifetimes: access 3600 s, id 3600 s, client credentials 3600 s; plus 60 s skew.
      t.clock.advance(3_600_000 + 59_000);
      assert.ok(kids(await ten.keystore()).includes(previousKid), 'still published just before the grace ends');
      t.clock.advance(2_000);
      const later = await ten.keystore();
      assert.ok(!kids(later).includes(previousKid), 'gone after it');
      assert.equal(one(later, 'previous', 'ES256').published, false);
      assert.equal(await verifies(token, later), 'ERR_JWKS_NO_MATCHING_KEY');
    });

    test('revoking a previous key: out of the JWKS at once, its tokens fail to verify; revoking again changes nothing', async () => {
      const ten = await tenant();
      const token = await ten.token();
      const rotated = await ten.rotate();
      assert.equal(await verifies(token, rotated), true);
      const kid = decodeProtectedHeader(token).kid!;
      const response = await ten.revoke(kid);
      assert.equal(response.status, 200, response.text);
      const revoked = response.body as Keystore;
      assert.ok(!kids(revoked).includes(kid));
      const entry = revoked.keystore.find((e) => e.key.kid === kid)!;
      assert.equal(entry.state, 'revoked');
      assert.equal(entry.published, false);
      assert.equal(typeof entry.revoked_at, 'number');
      assert.equal(await verifies(token, (await ten.keystore())), 'ERR_JWKS_NO_MATCHING_KEY', 'a token signed by a revoked key fails against the published JWKS');
      assert.equal(await t.server.keystore.isRevoked(await t.server.tenants.getBySlugOrId(ten.slug), kid), true);
      assert.equal(await t.server.keystore.isRevoked(await t.server.tenants.getBySlugOrId(ten.slug), one(revoked, 'current', 'ES256').key.kid!), false);
      const again = await ten.revoke(kid);
      assert.equal(again.status, 200);
      assert.equal((again.body as Keystore).keystore.find((e) => e.key.kid === kid)!.revoked_at, entry.revoked_at, 'idempotent');
    });

    test('revoking the current key promotes the next one (already published) and publishes a new next; the tenant keeps signing', async () => {
      const ten = await tenant();
      const before = await ten.keystore();
      const token = await ten.token();
      const current = one(before, 'current', 'ES256');
      const next = one(before, 'next', 'ES256');
      const response = await ten.revoke(current.key.kid!);
      assert.equal(response.status, 200, response.text);
      const after = response.body as Keystore;
      assert.equal(after.keystore.find((e) => e.key.kid === current.key.kid)!.state, 'revoked');
      assert.equal(one(after, 'current', 'ES256').key.kid, next.key.kid);
      assert.ok(!before.keystore.some((e) => e.key.kid === one(after, 'next', 'ES256').key.kid));
      assert.equal(one(after, 'current', 'RS256').key.kid, one(before, 'current', 'RS256').key.kid, 'the other family is untouched');
      assert.equal(await verifies(token, after), 'ERR_JWKS_NO_MATCHING_KEY');
      const fresh = await ten.token();
      assert.equal(decodeProtectedHeader(fresh).kid, next.key.kid);
      assert.equal(await verifies(fresh, after), true);
      // FusionAuth may not point the tenant back at the revoked key.
      const view = await ten.faKeyIds();
      const revokedKeyId = (await t.server.storage.keys.keystoreOf(ten.id)).find((k) => k.kid === current.key.kid)!.id;
      const put = await attempt(t.client().patchTenant(ten.id, { tenant: { jwtConfiguration: { ...view, accessTokenKeyId: revokedKeyId } } }));
      assert.equal(put.statusCode, 400);
      assert.ok(JSON.stringify(put.response).includes("tenant.jwtConfiguration.accessTokenKeyId"), JSON.stringify(put.response));
    });

    test('revoking the next key publishes a new one', async () => {
      const ten = await tenant();
      const before = await ten.keystore();
      const next = one(before, 'next', 'RS256');
      const after = (await ten.revoke(next.key.kid!)).body as Keystore;
      assert.equal(after.keystore.find((e) => e.key.kid === next.key.kid)!.state, 'revoked');
      const fresh = one(after, 'next', 'RS256');
      assert.notEqual(fresh.key.kid, next.key.kid);
      assert.ok(kids(after).includes(fresh.key.kid!));
      assert.equal(one(after, 'current', 'RS256').key.kid, one(before, 'current', 'RS256').key.kid);
    });

    test('two concurrent rotations leave one current and one next key per algorithm', async () => {
      const ten = await tenant();
      const before = await ten.keystore();
      const [a, b] = await Promise.all([ten.rotate(), ten.rotate()]);
      const final = await ten.keystore();
      for (const alg of ['ES256', 'RS256']) {
        one(final, 'current', alg);
        one(final, 'next', alg);
        assert.ok(byState(final, 'previous', alg).length >= 1);
        // Each answer is a consistent keystore: one current, one next.
        for (const answer of [a, b]) {
          one(answer, 'current', alg);
          one(answer, 'next', alg);
        }
        assert.notEqual(one(final, 'current', alg).key.kid, one(before, 'current', alg).key.kid);
      }
      const stored = await t.server.storage.keys.keystoreOf(ten.id);
      for (const alg of ['ES256', 'RS256']) assert.equal(stored.filter((k) => k.algorithm === alg && k.keystoreState === 'current').length, 1);
    });

    test('a peer instance with a long cache sees the rotated JWKS once the change event reaches it', async () => {
      const ten = await tenant();
      const peer = await t.startPeer({ cacheTtlMs: 600_000 });
      // The peer reads the change feed only when the test says so (its own 250 ms poll would race the assertions).
      await peer.server.changeFeed.stop();
      const peerKeys = async () => {
        const response = await peer.fetch(`/tenants/${ten.slug}/keys`, { headers: bearer() });
        assert.equal(response.status, 200, response.text);
        return response.body as Keystore;
      };
      const before = await peerKeys();
      assert.deepEqual(before, await ten.keystore());
      const heard = new Promise<void>((resolve) => {
        const stop = peer.server.changes.subscribe((event, source) => {
          if (event.type === 'key.rotated' && event.tenantId === ten.id && source === 'remote') {
            stop();
            resolve();
          }
        });
      });
      const rotated = await ten.rotate();
      assert.deepEqual(await peerKeys(), before, 'the peer serves its cached JWKS until it hears of the change');
      await peer.server.changeFeed.poll();
      await heard;
      const seen = await peerKeys();
      assert.deepEqual(kids(seen), kids(rotated));
      assert.equal(one(seen, 'current', 'ES256').key.kid, one(before, 'next', 'ES256').key.kid);
      // The peer's own signing JWKS follows too: the promoted key signs first.
      const peerTenant = await peer.server.tenants.getBySlugOrId(ten.slug);
      const signing = await peer.server.keystore.signingJwks(peerTenant);
      assert.equal(signing.keys.find((k) => k.alg === 'ES256')!.kid, one(rotated, 'current', 'ES256').key.kid);
    });

    test('signing JWKS: private keys with kid, alg and use, current first, that verify against the public JWKS', async () => {
      const ten = await tenant();
      await ten.rotate();
      const tenantRecord = await t.server.tenants.getBySlugOrId(ten.slug);
      const signing = await t.server.keystore.signingJwks(tenantRecord);
      const published = await ten.keystore();
      assert.deepEqual(signing.keys.map((k) => k.kid), kids(published), 'the same keys, in the same order');
      assert.deepEqual(signing.keys.slice(0, 2).map((k) => k.kid).sort(), [one(published, 'current', 'ES256').key.kid, one(published, 'current', 'RS256').key.kid].sort());
      for (const jwk of signing.keys) {
        assert.ok(jwk.d, 'private');
        assert.equal(jwk.use, 'sig');
        const key = await importJWK(jwk, jwk.alg);
        const { SignJWT } = await import('jose');
        const token = await new SignJWT({}).setProtectedHeader({ alg: jwk.alg!, kid: jwk.kid! }).sign(key);
        assert.equal(await verifies(token, published), true);
      }
      assert.ok(!JSON.stringify((await ten.api('/keys')).body).includes('"d"'), 'the route never shows a private member');
    });

    test('certificates parse, are self-signed for the key, and x5t / x5t#S256 are the SHA-1 / SHA-256 of the DER; the Key API shows the same certificate', async () => {
      const ten = await tenant();
      const ks = await ten.keystore();
      const view = await ten.faKeyIds();
      const faKey = (await attempt(t.client().retrieveKey(view.accessTokenKeyId!))).response.key!;
      for (const key of ks.keys) {
        const der = Buffer.from(key.x5c![0]!, 'base64');
        assert.equal(key['x5t#S256'], crypto.createHash('sha256').update(der).digest('base64url'));
        assert.equal(key.x5t, crypto.createHash('sha1').update(der).digest('base64url'));
        const certificate = new crypto.X509Certificate(der);
        assert.equal(certificate.issuer, certificate.subject, 'self-issued');
        assert.ok(certificate.verify(certificate.publicKey), 'signed by its own key');
        const fromJwk = crypto.createPublicKey({ key: key as crypto.JsonWebKey, format: 'jwk' });
        assert.ok(certificate.publicKey.equals(fromJwk), 'the certificate certifies the JWK');
        const parsed = new x509.X509Certificate(der);
        assert.equal(parsed.subject, `CN=${key.kid}`);
        // Signature only: the server's test clock runs ahead of the real one (validity is the server's).
        assert.equal(await parsed.verify({ signatureOnly: true }), true);
        if (key.kid === faKey.kid) assert.equal(new crypto.X509Certificate(faKey.certificate!).raw.toString('base64'), key.x5c![0], "the same certificate fills FusionAuth's certificate");
      }
      // Keys the Key API generates get one too; HMAC keys have none.
      const generated = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'Ed25519' as never, name: `Ed ${crypto.randomUUID()}` } }));
      const ed = new crypto.X509Certificate(generated.response.key!.certificate!);
      assert.ok(ed.publicKey.equals(crypto.createPublicKey(generated.response.key!.publicKey!)));
      const hmac = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'HS256' as never, name: `H ${crypto.randomUUID()}` } }));
      assert.equal(hmac.response.key!.certificate, undefined);
    });

    test('a keystore from before 008 (no next keys): its first rotation makes new current and next keys and re-points the tenant', async () => {
      const ten = await tenant();
      const before = await ten.keystore();
      await t.server.database.db.updateTable('keys').set({ keystore_state: null }).where('tenant_id', '=', ten.id).where('keystore_state', '=', 'next').execute();
      await t.server.changes.transaction((_tx, emit) => emit({ type: 'key.updated', keyId: 'all', tenantId: ten.id }));
      assert.equal(byState(await ten.keystore(), 'next').length, 0);
      const after = await ten.rotate();
      for (const alg of ['ES256', 'RS256']) {
        assert.equal(one(after, 'previous', alg).key.kid, one(before, 'current', alg).key.kid);
        const current = one(after, 'current', alg);
        assert.ok(!before.keystore.some((e) => e.key.kid === current.key.kid), 'a new current key');
        assert.notEqual(one(after, 'next', alg).key.kid, current.key.kid);
      }
      assert.equal(decodeProtectedHeader(await ten.token()).kid, one(after, 'current', 'ES256').key.kid);
    });

    test('another algorithm family can be added (a client asking for EdDSA); it rotates with the others', async () => {
      const ten = await tenant();
      const record = await t.server.tenants.getBySlugOrId(ten.slug);
      await t.server.keystore.addAlgorithm(record, 'Ed25519');
      const ks = await ten.keystore();
      one(ks, 'current', 'EdDSA');
      one(ks, 'next', 'EdDSA');
      const rotated = await ten.rotate();
      assert.equal(one(rotated, 'previous', 'EdDSA').key.kid, one(ks, 'current', 'EdDSA').key.kid);
      assert.equal(one(rotated, 'current', 'EdDSA').key.crv, 'Ed25519');
    });

    test('bad input is a Vault 4xx; another tenant’s kid is not found; a tenant-locked key reaches only its tenant', async () => {
      const ten = await tenant();
      const other = await tenant();
      const otherKid = one(await other.keystore(), 'current', 'ES256').key.kid!;
      const notOurs = await ten.revoke(otherKid);
      assert.equal(notOurs.status, 404);
      assert.deepEqual(notOurs.body, { detail: 'Key not found' });
      assert.equal(one(await other.keystore(), 'current', 'ES256').key.kid, otherKid, 'nothing changed in the other tenant');
      for (const kid of ['bad.kid', 'x'.repeat(200), '%00']) {
        const response = await ten.revoke(encodeURIComponent(kid));
        assert.ok(response.status === 422 || response.status === 404, `${kid}: ${response.status}`);
        assert.ok(response.body?.detail, response.text);
      }
      assert.equal((await ten.revoke('not-a-known-kid')).status, 404);
      assert.equal((await t.fetch(`/tenants/${ten.slug}/keys`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await t.fetch(`/tenants/nowhere-${crypto.randomUUID().slice(0, 6)}/keys`, { headers: bearer() })).status, 404);
      const locked = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: ten.id } }));
      const lockedKey = locked.response.apiKey!.key!;
      const own = await t.fetch(`/tenants/${ten.slug}/keys`, { headers: { authorization: `Bearer ${lockedKey}` } });
      assert.equal(own.status, 200);
      const foreign = await t.fetch(`/tenants/${other.slug}/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${lockedKey}` } });
      assert.equal(foreign.status, 403);
      assert.deepEqual(foreign.body, { detail: 'Not permitted for this API key' });
    });
  });
}
