/**
 * The OpenAPI document tells the truth: it passes a maintained validator, every operation has a
 * summary, a tag and the statuses it really answers, the operations marked `security: []`
 * are exactly the ones that answer without a key, real responses match their documented
 * schemas, and the browsable reference at /api/docs loads from the server alone.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';

type Doc = { openapi: string; tags: Array<{ name: string }>; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** Validates a live response body against the schema the document gives for that status. */
function responseValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  return (method: string, path: string, status: number, body: unknown): string | undefined => {
    const response = doc.paths[path]?.[method]?.responses?.[status];
    assert.ok(response, `${method.toUpperCase()} ${path} documents ${status}`);
    const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const check = ajv.compile({ $ref: `openapi.json#/${pointer}` });
    return check(body) ? undefined : ajv.errorsText(check.errors);
  };
}

function operations(doc: Doc): Array<{ method: string; path: string; op: any }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
}

/** Walks `$ref`s to the schema they name. */
function deref(doc: Doc, schema: any): any {
  while (schema?.$ref) schema = doc.components.schemas[String(schema.$ref).split('/').pop()!];
  return schema;
}

for (const backend of backends()) {
  describe(`the OpenAPI document on ${backend.name}`, () => {
    let t: TestServer;
    let doc: Doc;
    before(async () => {
      t = await startTestServer(backend);
      const response = await t.fetch('/api/openapi.json', { headers: { authorization: '' } });
      assert.equal(response.status, 200, 'served without an API key');
      doc = response.body;
    });
    after(async () => {
      await t?.stop();
    });

    test('passes the validator, as OpenAPI 3.1 (the same document as 3.0.3 would not)', async () => {
      assert.equal(doc.openapi, '3.1.0');
      const result = await validate(structuredClone(doc) as never);
      assert.equal(result.valid, true, JSON.stringify((result as { errors?: unknown }).errors)?.slice(0, 2000));
      const as30 = await validate({ ...structuredClone(doc), openapi: '3.0.3' } as never);
      assert.equal(as30.valid, false, 'numeric exclusiveMinimum is JSON Schema 2020-12, not OpenAPI 3.0');
    });

    test('every operation has a summary and one declared tag', () => {
      const tags = new Set(doc.tags.map((tag) => tag.name));
      const all = operations(doc);
      assert.ok(all.length >= 45, `${all.length} operations`);
      for (const { method, path, op } of all) {
        assert.ok(typeof op.summary === 'string' && op.summary.length > 10, `${method} ${path} has a summary`);
        assert.equal(op.tags?.length, 1, `${method} ${path} has one tag`);
        assert.ok(tags.has(op.tags[0]), `${method} ${path}: tag ${op.tags[0]} is declared`);
      }
    });

    test('statuses are the ones each operation answers', () => {
      const statuses = (method: string, path: string) => Object.keys(doc.paths[path]![method]!.responses).sort();
      assert.deepEqual(statuses('post', '/tenants/{tenant_id}/users'), ['201', '401', '403', '404', '413', '415', '422']);
      assert.deepEqual(statuses('delete', '/tenants/{tenant_id}/users/{user_id}'), ['204', '401', '403', '404']);
      assert.deepEqual(statuses('post', '/clients'), ['200', '401', '403', '404', '413', '415', '422'], 'Create Client answers 200, as seed 004 lists it');
      assert.deepEqual(statuses('put', '/clients/{client_id}'), ['200', '401', '403', '404', '413', '415', '422']);
      assert.deepEqual(statuses('delete', '/clients/{client_id}'), ['204', '401', '403', '404', '422']);
      assert.deepEqual(statuses('get', '/client'), ['200', '404', '422'], 'no credential: no 401 or 403');
      assert.deepEqual(statuses('get', '/tenants/{tenant_id}/users/{user_id}/sessions'), ['200', '401', '403', '404', '422']);
      assert.deepEqual(statuses('delete', '/tenants/{tenant_id}/users/{user_id}/sessions/{session_id}'), ['204', '401', '403', '404', '422']);
      assert.deepEqual(statuses('get', '/sessions'), ['200', '401', '404'], 'a user token: no API-key permissions, so no 403');
      assert.deepEqual(statuses('delete', '/sessions/{session_id}'), ['204', '401', '404', '422']);
      assert.deepEqual(doc.paths['/sessions']!.get.security, [{ userAccessToken: [] }], 'the user’s own sessions take the user’s access token, not an API key');
      assert.equal((doc as any).components.securitySchemes.userAccessToken.scheme, 'bearer');
      assert.deepEqual(statuses('get', '/client/tenant'), ['200', '404', '422']);
      assert.deepEqual(statuses('post', '/api/tenant'), ['200', '400', '401', '413', '415']);
      assert.deepEqual(statuses('delete', '/api/tenant/{tenantId}'), ['200', '202', '401', '404']);
      assert.deepEqual(statuses('get', '/tenants/{tenant_id}/subscription'), ['200', '401', '403', '404']);
      assert.deepEqual(statuses('put', '/tenants/{tenant_id}/subscription'), ['200', '400', '401', '403', '404', '413', '415']);
      assert.deepEqual(statuses('post', '/api/login'), ['200', '203', '212', '400', '401', '404', '409', '413', '415', '429']);
      assert.ok(statuses('post', '/api/user/forgot-password').includes('503'), 'mail can fail');
      assert.ok(statuses('put', '/api/user/verify-email').includes('503'), 'mail can fail');
      assert.deepEqual(statuses('post', '/tenants'), ['201', '401', '403', '404', '413', '415', '422'], 'Create Tenant answers 201, as seed 004 lists it');
      assert.deepEqual(statuses('get', '/tenants'), ['200', '401', '403', '404']);
      assert.deepEqual(statuses('get', '/tenants/{tenant_id}'), ['200', '401', '403', '404', '422']);
      assert.deepEqual(statuses('put', '/tenants/{tenant_id}'), ['200', '401', '403', '404', '413', '415', '422']);
      assert.deepEqual(statuses('get', '/tenants/{tenant_id}/settings'), ['200', '400', '401', '403', '404'], "PlusAuth's: 400, not the Vault's 422");
      assert.deepEqual(statuses('patch', '/tenants/{tenant_id}/settings'), ['200', '400', '401', '403', '404', '413', '415']);
      assert.deepEqual(statuses('get', '/users/{user_id}/tenants'), ['200', '400', '401', '403', '404']);
      assert.deepEqual(statuses('post', '/users/{user_id}/tenants'), ['201', '400', '401', '403', '404', '413', '415']);
      const plusAuth400 = deref(doc, doc.paths['/tenants/{tenant_id}/settings']!.patch.responses['400'].content['application/json'].schema);
      assert.deepEqual(Object.keys(plusAuth400.properties), ['error', 'error_description', 'details']);
      // FusionAuth's 401 and 404 have no body; the Vault's have {detail}.
      assert.equal(doc.paths['/api/tenant/{tenantId}']!.get.responses['404'].content, undefined);
      assert.ok(doc.paths['/tenants/{tenant_id}/users/{user_id}']!.get.responses['404'].content['application/json']);
      const vault422 = deref(doc, doc.paths['/tenants/{tenant_id}/users']!.post.responses['422'].content['application/json'].schema);
      assert.deepEqual(Object.keys(vault422.properties), ['detail']);
    });

    test('the ranges that validate are the ones documented', () => {
      const requestBody = deref(doc, doc.paths['/api/tenant']!.post.requestBody.content['application/json'].schema);
      // An optional FusionAuth field also takes null (read as "not given"): the tenant is one of two.
      const tenantRef = requestBody.properties.tenant.anyOf.find((s: any) => s.$ref);
      assert.ok(requestBody.properties.tenant.anyOf.some((s: any) => s.type === 'null'), 'null is documented as accepted');
      assert.equal(tenantRef?.$ref, '#/components/schemas/FusionAuthTenant', 'shared schemas are named');
      const tenant = deref(doc, tenantRef);
      const branch = (schema: any) => schema.anyOf?.find((s: any) => s.type !== 'null') ?? schema;
      const grant = branch(branch(tenant.properties.externalIdentifierConfiguration).properties.authorizationGrantIdTimeToLiveInSeconds);
      assert.deepEqual(grant, { type: 'integer', exclusiveMinimum: 0, maximum: 600 });
      const patch = deref(doc, doc.paths['/tenants/{tenant_id}/settings']!.patch.requestBody.content['application/json'].schema);
      const attempts = patch.properties.policies.properties.account_blocking.properties.allowed_attempts;
      assert.deepEqual([attempts.minimum, attempts.maximum], [5, 250], "seed 001's range");
      assert.deepEqual([patch.properties.ttl.properties.refresh_token.minimum, patch.properties.ttl.properties.refresh_token.maximum], [300, 15552000]);
      const limit = doc.paths['/tenants/{tenant_id}/users']!.get.parameters.find((p: any) => p.name === 'limit');
      assert.deepEqual([limit.in, limit.schema.exclusiveMinimum, limit.schema.maximum], ['query', 0, 500]);
    });

    test('security: [] marks exactly the operations that answer without an API key', async () => {
      const anonymous = operations(doc)
        .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
        .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
        .sort();
      assert.deepEqual(anonymous, [
        'GET /api/docs',
        'GET /api/openapi.json',
        'GET /api/status',
        'GET /api/tenant/password-validation-rules/{tenantId}',
        'GET /client',
        'GET /client/tenant',
        'GET /logout',
        'POST /api/user/change-password/{changePasswordId}',
        'POST /api/user/verify-email',
        'POST /api/user/verify-email/{verificationId}',
        'POST /logout',
        'POST /tenants/{tenant_id}/token',
        'POST /token',
      ]);
      for (const { method, path, op } of operations(doc)) {
        const url = path.replace('{tenant_id}', 'default').replace(/\{[^}]+\}/g, () => crypto.randomUUID());
        const withBody = ['post', 'put', 'patch'].includes(method);
        const response = await t.fetch(url, { method: method.toUpperCase(), headers: { authorization: '' }, ...(withBody ? { body: {} } : {}) });
        const open = Array.isArray(op.security) && op.security.length === 0;
        if (open) assert.notEqual(response.status, 401, `${method} ${path} answers without a key`);
        else assert.equal(response.status, 401, `${method} ${path} needs a key`);
      }
    });

    test('real responses match the documented schemas of their status', async () => {
      const check = responseValidator(doc);
      const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Documented ${crypto.randomUUID()}` } } });
      assert.equal(created.status, 200);
      assert.equal(check('post', '/api/tenant', 200, created.body), undefined);
      assert.ok(Object.keys(created.body.tenant).length >= 20, 'the whole tenant is sent, not what a schema lists');
      const list = await t.fetch('/api/tenant');
      assert.equal(check('get', '/api/tenant', 200, list.body), undefined);
      const refused = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: '' } } });
      assert.equal(refused.status, 400);
      assert.equal(check('post', '/api/tenant', 400, refused.body), undefined);
      const key = await t.fetch('/api/key/generate', { method: 'POST', body: { key: { algorithm: 'ES256', name: 'documented' } } });
      assert.equal(check('post', '/api/key/generate', 200, key.body), undefined);

      const user = await t.fetch('/tenants/default/users', { method: 'POST', body: { username: 'doc.user', email: 'doc@example.com', password: 'a-documented-password-1' } });
      assert.equal(user.status, 201);
      assert.equal(check('post', '/tenants/{tenant_id}/users', 201, user.body), undefined);
      assert.notEqual(check('post', '/tenants/{tenant_id}/users', 201, { ...user.body, is_disabled: 'no' }), undefined, 'the check can fail');
      const users = await t.fetch('/tenants/default/users');
      assert.equal(check('get', '/tenants/{tenant_id}/users', 200, users.body), undefined);
      const invalid = await t.fetch('/tenants/default/users', { method: 'POST', body: {} });
      assert.equal(check('post', '/tenants/{tenant_id}/users', 422, invalid.body), undefined);
      const missing = await t.fetch(`/tenants/default/users/${crypto.randomUUID()}`);
      assert.equal(check('get', '/tenants/{tenant_id}/users/{user_id}', 404, missing.body), undefined);

      const client = await t.fetch('/clients', { method: 'POST', body: { client_id: 'documented', name: 'Documented', tenant_id: 'default', flow: { type: 'mfa', issuer: null } } });
      assert.equal(client.status, 200, client.text);
      assert.equal(check('post', '/clients', 200, client.body), undefined);
      assert.equal(check('get', '/clients', 200, (await t.fetch('/clients?tenant_id=default')).body), undefined);
      assert.equal(check('get', '/client', 200, (await t.fetch('/client?tenant_id=default&client_id=documented')).body), undefined);
      assert.equal(check('get', '/client/tenant', 200, (await t.fetch('/client/tenant?tenant_id=default&client_id=documented')).body), undefined);
      assert.notEqual(check('get', '/client', 200, { client_id: 'documented' }), undefined, 'the check can fail');
      const settings = await t.fetch('/tenants/default/settings');
      assert.equal(check('get', '/tenants/{tenant_id}/settings', 200, settings.body), undefined);
      const patched = await t.fetch('/tenants/default/settings', { method: 'PATCH', body: { policies: { password: { custom_chars: '!' } } } });
      assert.equal(check('patch', '/tenants/{tenant_id}/settings', 200, patched.body), undefined);
      const refusedPatch = await t.fetch('/tenants/default/settings', { method: 'PATCH', body: { ttl: { session: 1 } } });
      assert.equal(refusedPatch.status, 400);
      assert.equal(check('patch', '/tenants/{tenant_id}/settings', 400, refusedPatch.body), undefined);
      assert.equal(check('get', '/tenants/{tenant_id}/settings', 404, (await t.fetch('/tenants/nothing-here/settings')).body), undefined);
      assert.notEqual(check('get', '/tenants/{tenant_id}/settings', 200, { ...settings.body, ttl: {} }), undefined, 'the check can fail');
      const account = await t.fetch('/users/operator/tenants', { method: 'POST', body: { tenant_id: 'documented-plusauth' } });
      assert.equal(account.status, 201, account.text);
      assert.equal(check('post', '/users/{user_id}/tenants', 201, account.body), undefined);
      assert.equal(check('get', '/users/{user_id}/tenants', 200, (await t.fetch('/users/operator/tenants')).body), undefined);
      assert.equal((await t.fetch('/tenants', { method: 'POST', body: { tenant_id: 'documented-vault' } })).status, 201);
      assert.equal(check('get', '/tenants', 200, (await t.fetch('/tenants')).body), undefined);
      assert.equal(check('get', '/tenants/{tenant_id}', 200, (await t.fetch('/tenants/documented-vault')).body), undefined);
      assert.equal(check('post', '/tenants', 422, (await t.fetch('/tenants', { method: 'POST', body: { tenant_id: 'Bad Id' } })).body), undefined);
      const badClient = await t.fetch('/clients', { method: 'POST', body: { client_id: 'x', name: 'X', tenant_id: 'default', redirect_uris: ['http://x.example'] } });
      assert.equal(check('post', '/clients', 422, badClient.body), undefined);

      const plan = await t.fetch('/tenants/default/subscription');
      assert.equal(check('get', '/tenants/{tenant_id}/subscription', 200, plan.body), undefined);
      assert.notEqual(check('get', '/tenants/{tenant_id}/subscription', 200, { plan: 'gold', plan_details: plan.body.plan_details }), undefined, 'the check can fail');
      assert.equal(check('put', '/tenants/{tenant_id}/subscription', 400, (await t.fetch('/tenants/default/subscription', { method: 'PUT', body: { plan: 'gold' } })).body), undefined);
      assert.equal(check('get', '/tenants/{tenant_id}/subscription', 404, (await t.fetch('/tenants/no-such-tenant/subscription')).body), undefined);
    });

    test('the API reference at /api/docs is HTML whose assets all load from this server', async () => {
      const page = await fetch(`${t.url}/api/docs`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')) && assets.some((a) => a.endsWith('.css')), html);
      for (const asset of assets) {
        assert.ok(!/^(https?:)?\/\//.test(asset), `${asset} is served locally, not from a CDN`);
        const response = await fetch(new URL(asset, `${t.url}/api/docs`));
        assert.equal(response.status, 200, asset);
        assert.ok((await response.arrayBuffer()).byteLength > 0, asset);
      }
      // The page loads its document from beside it.
      const initializer = await (await fetch(`${t.url}/api/docs/static/swagger-initializer.js`)).text();
      assert.match(initializer, /json/);
      const json = await fetch(`${t.url}/api/docs/json`);
      assert.equal(((await json.json()) as Doc).openapi, '3.1.0');
    });
  });
}
