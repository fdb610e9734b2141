/**
 * GET/PUT /tenants/{tenant_id}/subscription on every back end, over real HTTP, with the shipped
 * catalogue and the default plan of a self-hosted install: a new tenant is on `on-premise`,
 * without limits; the plan and every `plan_details` member are shown as the catalogue states
 * them; only the superuser key sees or changes a plan; refusals are in PlusAuth's shape.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PLAN_MEMBERS } from '../../src/core/plans/catalogue.js';
import { backends } from '../support/backends.js';
import { catalogueJson } from '../support/plans.js';
import { type TestServer, startTestServer } from '../support/server.js';

const SHIPPED = catalogueJson().plans;

for (const backend of backends()) {
  describe(`tenant subscriptions on ${backend.name}`, () => {
    let t: TestServer;
    let tenantId: string;
    let slug: string;
    const subscription = (ref: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(`/tenants/${ref}/subscription`, init);
    const change = (ref: string, body: unknown, apiKey = t.apiKey) => subscription(ref, { method: 'PUT', body, headers: { authorization: `Bearer ${apiKey}` } });
    const newKey = async (apiKey: Record<string, unknown>) => {
      const created = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey } });
      assert.equal(created.status, 200, created.text);
      return created.body.apiKey.key as string;
    };

    before(async () => {
      t = await startTestServer(backend);
      const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Subscribed ${crypto.randomUUID().slice(0, 8)}` } } });
      assert.equal(created.status, 200, created.text);
      tenantId = created.body.tenant.id;
      slug = new URL(created.body.tenant.issuer).pathname.slice(1);
    });
    after(async () => {
      await t?.stop();
    });

    test('a tenant created through FusionAuth is on on-premise: every limit off, every feature on', async () => {
      for (const ref of [slug, tenantId, 'default']) {
        const shown = await subscription(ref);
        assert.equal(shown.status, 200, shown.text);
        assert.equal(shown.body.plan, 'on-premise', ref);
        assert.deepEqual(shown.body.plan_details, SHIPPED['on-premise']);
      }
      const details = (await subscription(slug)).body.plan_details as Record<string, unknown>;
      assert.deepEqual(Object.keys(details).sort(), Object.keys(PLAN_MEMBERS).sort(), 'every member seed 002 lists, and no other');
      for (const member of ['max_users', 'max_clients', 'max_tenants', 'max_resources']) assert.equal(details[member], -1, `${member}: no limit`);
      for (const member of ['custom_password_policy', 'custom_token_ttl', 'ciba', 'mfa.webauthn', 'mfa.fv', 'password_history']) assert.equal(details[member], true, member);
    });

    test('PUT changes the plan: the answer and every later read show it and its details', async () => {
      const changed = await change(slug, { plan: 'free' });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.body, { plan: 'free', plan_details: SHIPPED.free });
      assert.deepEqual((await subscription(tenantId)).body, { plan: 'free', plan_details: SHIPPED.free });
      const row = await t.server.database.db.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(row.settings).subscription.plan, 'free', 'stored with the tenant');
      assert.equal((await t.fetch(`/api/tenant/${tenantId}`)).status, 200, 'the FusionAuth view still reads it');
      assert.equal((await change(tenantId, { plan: 'enterprise' })).body.plan, 'enterprise', 'by UUID too');
      assert.equal((await subscription(slug)).body.plan, 'enterprise');
    });

    test('an unknown plan, another member or no plan is a 400 naming the field; nothing changes', async () => {
      const before = (await subscription(slug)).body.plan;
      const cases: Array<[unknown, string]> = [
        [{ plan: 'platinum' }, 'plan'],
        [{ plan: 'Free' }, 'plan'],
        [{ plan: 3 }, 'plan'],
        [{}, 'plan'],
        [{ plan: 'pro', plan_details: { max_users: 1 } }, 'plan_details'],
      ];
      for (const [body, field] of cases) {
        const refused = await change(slug, body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.error, 'invalid_request');
        assert.ok(refused.body.details.some((d: { field: string }) => d.field === field), `${JSON.stringify(body)}: ${refused.text}`);
      }
      const notJson = await subscription(slug, { method: 'PUT', rawBody: '{"plan":', headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.error, 'invalid_request');
      assert.equal((await subscription(slug)).body.plan, before);
    });

    test('only the superuser key: no key 401, a tenant-locked or endpoint-limited key 403, an unknown tenant 404', async () => {
      const none = await subscription(slug, { headers: { authorization: '' } });
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'unauthorized');
      assert.equal((await change(slug, { plan: 'free' }, 'not-a-key-at-all-0000')).status, 401);

      const locked = await newKey({ tenantId });
      const limited = await newKey({ permissions: { endpoints: { '/tenants': ['GET', 'PUT'] } } });
      for (const key of [locked, limited]) {
        const read = await subscription(slug, { headers: { authorization: `Bearer ${key}` } });
        assert.equal(read.status, 403, read.text);
        assert.equal(read.body.error, 'forbidden');
        assert.equal((await change(slug, { plan: 'free' }, key)).status, 403);
        assert.equal((await subscription(`no-such-${crypto.randomUUID().slice(0, 8)}`, { headers: { authorization: `Bearer ${key}` } })).status, 403, 'whether the tenant exists is not told');
      }
      assert.equal((await subscription(slug)).body.plan, 'enterprise', 'the refused changes changed nothing');

      for (const ref of [`no-such-${crypto.randomUUID().slice(0, 8)}`, crypto.randomUUID(), 'Not A Slug!']) {
        const missing = await subscription(encodeURIComponent(ref));
        assert.equal(missing.status, 404, ref);
        assert.equal(missing.body.error, 'not_found');
      }
    });
  });
}
