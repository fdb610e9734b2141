/**
 * Each dialect answers failures in its own shape, on a real server over loopback: malformed
 * JSON, a wrong type, an oversized or unsupported body, an unknown URL — FusionAuth under /api,
 * the Vault under /tenants (FastAPI's 422 with `loc` naming body, query or path), PlusAuth under
 * /tenants/{tenant_id}/settings and /users (`{error, error_description, details}`).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';

const BIG = 'x'.repeat(1024 * 1024 + 10);

for (const backend of backends()) {
  describe(`error shapes per dialect on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    const faShape = (body: any) => {
      assert.ok(body && typeof body === 'object', 'a JSON object');
      assert.deepEqual(Object.keys(body).filter((k) => k !== 'fieldErrors' && k !== 'generalErrors'), []);
    };
    const vaultDetail = (body: any) => {
      assert.ok(Array.isArray(body?.detail), `detail[]: ${JSON.stringify(body)}`);
      for (const d of body.detail) {
        assert.ok(Array.isArray(d.loc) && ['body', 'query', 'path', 'header'].includes(d.loc[0]));
        assert.equal(typeof d.msg, 'string');
        assert.equal(typeof d.type, 'string');
      }
    };

    test('FusionAuth: malformed JSON, wrong type, oversized and unsupported bodies, unknown URL', async () => {
      const malformed = await t.fetch('/api/key/generate', { method: 'POST', rawBody: '{"key": {' });
      assert.equal(malformed.status, 400);
      faShape(malformed.body);
      assert.equal(malformed.body.generalErrors[0].code, '[invalidJSON]');

      const wrongType = await t.fetch('/api/key/generate', { method: 'POST', body: { key: { algorithm: 'ES256', name: 42 } } });
      assert.equal(wrongType.status, 400);
      faShape(wrongType.body);
      assert.equal(wrongType.body.fieldErrors['key.name'][0].code, '[couldNotConvert]key.name');

      const huge = await t.fetch('/api/email/template', { method: 'POST', rawBody: JSON.stringify({ emailTemplate: { name: BIG } }) });
      assert.equal(huge.status, 413);
      faShape(huge.body);

      const form = await t.fetch('/api/login', { method: 'POST', rawBody: 'loginId=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415);
      faShape(form.body);

      const unknown = await t.fetch('/api/no-such-thing');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.text, '', 'FusionAuth 404s have no body');
      const unknownAnonymous = await t.fetch('/api/no-such-thing', { headers: { authorization: '' } });
      assert.equal(unknownAnonymous.status, 404);
      // The router refuses a bad %-escape before any route runs: still FusionAuth's shape.
      const badEscape = await t.fetch('/api/tenant/%zz');
      assert.equal(badEscape.status, 400);
      faShape(badEscape.body);
      assert.equal(badEscape.body.generalErrors[0].code, '[invalidURL]');
    });

    test('FusionAuth: core field paths come back as FusionAuth tenant paths', async () => {
      const missingKey = crypto.randomUUID();
      const refused = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Keyless ${crypto.randomUUID()}`, jwtConfiguration: { accessTokenKeyId: missingKey } } } });
      assert.equal(refused.status, 400);
      assert.deepEqual(Object.keys(refused.body.fieldErrors), ['tenant.jwtConfiguration.accessTokenKeyId'], refused.text);
    });

    test('FusionAuth: the nesting and NUL refusals of the body parser are general errors', async () => {
      const deep = await t.fetch('/api/tenant', { method: 'POST', rawBody: `{"tenant":{"data":${'['.repeat(100)}${']'.repeat(100)}}}` });
      assert.equal(deep.status, 400);
      assert.equal(deep.body.generalErrors[0].code, '[invalidJSON]');
      const nul = await t.fetch('/api/tenant', { method: 'POST', rawBody: '{"tenant":{"name":"a\\u0000b"}}' });
      assert.equal(nul.status, 400);
      assert.equal(nul.body.generalErrors[0].code, '[invalid]');
    });

    test('Vault: malformed JSON, wrong type, oversized and unsupported bodies, unknown URL', async () => {
      const malformed = await t.fetch('/tenants/default/users', { method: 'POST', rawBody: '{"username": "a",' });
      assert.equal(malformed.status, 422, malformed.text);
      vaultDetail(malformed.body);
      assert.deepEqual(malformed.body.detail[0].loc, ['body']);
      assert.equal(malformed.body.detail[0].type, 'value_error.jsondecode');

      const wrongType = await t.fetch('/tenants/default/users', { method: 'POST', body: { username: 'ada', email: 'ada@example.com', is_disabled: 'yes' } });
      assert.equal(wrongType.status, 422);
      vaultDetail(wrongType.body);
      assert.deepEqual(wrongType.body.detail[0].loc, ['body', 'is_disabled']);
      assert.equal(wrongType.body.detail[0].type, 'type_error.boolean');

      const huge = await t.fetch('/tenants/default/users', { method: 'POST', rawBody: JSON.stringify({ username: 'big', email: 'b@example.com', locale: BIG }) });
      assert.equal(huge.status, 413);
      assert.equal(typeof huge.body.detail, 'string');

      const form = await t.fetch('/tenants/default/users', { method: 'POST', rawBody: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415);
      assert.equal(typeof form.body.detail, 'string');

      const deep = await t.fetch('/tenants/default/users', { method: 'POST', rawBody: `{"roles":${'['.repeat(100)}${']'.repeat(100)}}` });
      assert.equal(deep.status, 422);
      assert.deepEqual(deep.body.detail[0].loc, ['body']);

      const unknown = await t.fetch('/tenants/default/no-such-thing');
      assert.deepEqual([unknown.status, unknown.body], [404, { detail: 'Not Found' }]);
      const unknownTenant = await t.fetch('/tenants/no-such-tenant/users');
      assert.deepEqual([unknownTenant.status, unknownTenant.body], [404, { detail: 'Tenant not found' }]);
      const badEscape = await t.fetch('/tenants/default/users/%zz');
      assert.deepEqual([badEscape.status, typeof badEscape.body.detail], [400, 'string']);
      const anonymous = await t.fetch('/tenants/default/users', { headers: { authorization: '' } });
      assert.deepEqual([anonymous.status, anonymous.body], [401, { detail: 'Not authenticated' }]);
    });

    test('Vault: a validation error says where — body, query or path', async () => {
      const body = await t.fetch('/tenants/default/users', { method: 'POST', body: { email: 'x@example.com' } });
      assert.equal(body.status, 422);
      assert.deepEqual(body.body.detail.map((d: any) => d.loc), [['body', 'username']]);
      assert.equal(body.body.detail[0].type, 'value_error.missing');

      const query = await t.fetch('/tenants/default/blocked-users?page_size=0');
      assert.equal(query.status, 422);
      assert.deepEqual(query.body.detail[0].loc, ['query', 'page_size']);

      const path = await t.fetch(`/tenants/default/users/by-username/${'u'.repeat(129)}`);
      assert.equal(path.status, 422, path.text);
      assert.deepEqual(path.body.detail[0].loc, ['path', 'username']);

      // Core errors come back in the dialect's field names.
      const imported = await t.fetch('/tenants/default/users', { method: 'POST', body: { username: 'imp', email: 'imp@example.com', hash: 'abc' } });
      assert.equal(imported.status, 422);
      assert.deepEqual(imported.body.detail[0].loc, ['body', 'encryption_scheme']);
    });

    test('PlusAuth: malformed JSON, wrong type, oversized and unsupported bodies, unknown URLs, the router’s refusals — beside the Vault under /tenants', async () => {
      const plusAuth = (r: { status: number; body: any }, status: number) => {
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.deepEqual(Object.keys(r.body).filter((k) => !['error', 'error_description', 'details'].includes(k)), [], JSON.stringify(r.body));
        assert.equal(typeof r.body.error, 'string');
        assert.equal(typeof r.body.error_description, 'string');
      };
      const settings = '/tenants/default/settings';
      const malformed = await t.fetch(settings, { method: 'PATCH', rawBody: '{"ttl":' });
      plusAuth(malformed, 400);
      assert.equal(malformed.body.error, 'invalid_request');
      const wrongType = await t.fetch(settings, { method: 'PATCH', body: { ttl: { session: 'long' } } });
      plusAuth(wrongType, 400);
      assert.deepEqual(wrongType.body.details.map((d: any) => d.field), ['ttl.session']);
      plusAuth(await t.fetch(settings, { method: 'PATCH', rawBody: JSON.stringify({ default_strategy: BIG }) }), 413);
      plusAuth(await t.fetch(settings, { method: 'PATCH', rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
      plusAuth(await t.fetch(settings, { method: 'PATCH', rawBody: `{"environment_variables":{"A":${'['.repeat(100)}${']'.repeat(100)}}}` }), 400);
      plusAuth(await t.fetch(`${settings}/nothing`), 404);
      plusAuth(await t.fetch(settings, { method: 'DELETE' }), 404);
      plusAuth(await t.fetch('/tenants/%zz/settings'), 400);
      plusAuth(await t.fetch(settings, { headers: { authorization: '' } }), 401);
      plusAuth(await t.fetch('/users/operator/nothing'), 404);
      plusAuth(await t.fetch('/users/%zz/tenants'), 400);
      plusAuth(await t.fetch('/users/operator/tenants', { method: 'POST', rawBody: '{' }), 400);
      // The Vault's routes beside them keep the Vault's shape.
      assert.deepEqual((await t.fetch('/tenants/default/settingsx')).body, { detail: 'Not Found' });
      assert.equal((await t.fetch('/tenants', { method: 'POST', rawBody: '{' })).status, 422);
    });

    test('a FusionAuth-shaped body never answers a Vault route, nor the reverse', async () => {
      const cases = [
        ['/tenants/default/users', '{'],
        ['/tenants/default/users/batch', '[1'],
        ['/tenants/default/users/batch-delete', 'nope'],
      ];
      for (const [path, raw] of cases) {
        const response = await t.fetch(path!, { method: 'POST', rawBody: raw! });
        assert.equal(response.status, 422, path);
        assert.ok(!('generalErrors' in response.body) && !('fieldErrors' in response.body), path);
      }
      for (const path of ['/api/tenant', '/api/login', '/api/api-key', '/api/user/change-password/x']) {
        const response = await t.fetch(path, { method: 'POST', rawBody: '{' });
        assert.equal(response.status, 400, path);
        assert.ok(!('detail' in response.body), path);
      }
    });
  });
}
