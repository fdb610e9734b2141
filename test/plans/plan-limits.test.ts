/**
 * Plan limits where they bite, on every back end, through the real APIs: users (Vault create
 * and batch) past `max_users`, clients past `max_clients`, tenants past `max_tenants`
 * (FusionAuth create), and the feature flags refusing the settings they guard (FusionAuth
 * PATCH/PUT; the MFA and CIBA switches, which no view on this branch writes yet, through the
 * running server's tenant service — the path every view takes). Each at the boundary: limit−1
 * and the limit accepted, one more refused; a flag off refuses, on allows. A downgrade below
 * usage is accepted and blocks only growth.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PlanLimitExceeded } from '../../src/core/errors.js';
import type { TenantSettings } from '../../src/core/tenants/settings.js';
import { backends } from '../support/backends.js';
import { catalogueWith } from '../support/plans.js';
import { type TestServer, startTestServer } from '../support/server.js';

/** Small limits, so the boundaries are a few calls away. */
const CATALOGUE = catalogueWith({
  free: { max_users: 3, max_clients: 2, max_tenants: 3 },
  pro: { max_users: 10, max_clients: 10, max_tenants: 5 },
});

const unique = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

async function newTenant(t: TestServer, plan?: string, tenant: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: unique('Planned'), ...tenant } } });
  assert.equal(created.status, 200, created.text);
  const result = { id: created.body.tenant.id as string, slug: new URL(created.body.tenant.issuer).pathname.slice(1) };
  if (plan) await setPlan(t, result.slug, plan);
  return result;
}

async function setPlan(t: TestServer, slug: string, plan: string): Promise<void> {
  const changed = await t.fetch(`/tenants/${slug}/subscription`, { method: 'PUT', body: { plan } });
  assert.equal(changed.status, 200, changed.text);
}

/** A Vault 403 naming the limit and the plan. */
function assertPlanRefusal(response: { status: number; body: any; text: string }, limit: string, plan: string): void {
  assert.equal(response.status, 403, response.text);
  assert.equal(typeof response.body.detail, 'string', response.text);
  assert.ok(response.body.detail.includes(`(${limit})`), response.body.detail);
  assert.ok(response.body.detail.includes(`The ${plan} plan`), response.body.detail);
}

for (const backend of backends()) {
  describe(`plan limits on ${backend.name} (new tenants on-premise, then put on a plan)`, () => {
    let t: TestServer;
    const createUser = (slug: string, username: string) => t.fetch(`/tenants/${slug}/users`, { method: 'POST', body: { username, email: `${username}@example.com` } });
    const userCount = async (slug: string) => (await t.fetch(`/tenants/${slug}/users`)).body.total_count as number;
    // RS256: the tenant's keystore has that family already (a first EdDSA client adds one).
    const createClient = (slug: string, clientId: string) => t.fetch('/clients', { method: 'POST', body: { tenant_id: slug, client_id: clientId, name: clientId, sing_alg: 'RS256' } });
    const patch = (id: string, tenant: Record<string, unknown>) => t.fetch(`/api/tenant/${id}`, { method: 'PATCH', body: { tenant } });
    const faTenant = async (id: string) => (await t.fetch(`/api/tenant/${id}`)).body.tenant;

    before(async () => {
      t = await startTestServer(backend, { plans: CATALOGUE, defaultPlan: 'on-premise' });
    });
    after(async () => {
      await t?.stop();
    });

    test('max_users: 2 and 3 users on free (limit 3) are created, the 4th is a 403 naming max_users and free', async () => {
      const { slug } = await newTenant(t, 'free');
      assert.equal((await createUser(slug, 'u1')).status, 201);
      assert.equal((await createUser(slug, 'u2')).status, 201, 'limit − 1');
      assert.equal((await createUser(slug, 'u3')).status, 201, 'the limit');
      const refused = await createUser(slug, 'u4');
      assertPlanRefusal(refused, 'max_users', 'free');
      assert.ok(refused.body.detail.includes('at most 3 users'), refused.body.detail);
      assert.equal(await userCount(slug), 3);
      assert.equal((await t.fetch(`/tenants/${slug}/users/by-username/u4`)).status, 404, 'not created');
      const [first] = (await t.fetch(`/tenants/${slug}/users?username=u1`)).body.data;
      assert.equal((await t.fetch(`/tenants/${slug}/users/${first.user_id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await createUser(slug, 'u4')).status, 201, 'a deletion makes room');
      // Changing a user is not growth.
      const [second] = (await t.fetch(`/tenants/${slug}/users?username=u2`)).body.data;
      assert.equal((await t.fetch(`/tenants/${slug}/users/${second.user_id}`, { method: 'PUT', body: { username: 'u2', email: 'new-u2@example.com' } })).status, 200);
    });

    test('max_users: a batch that would cross the limit is refused whole; one that reaches it is created', async () => {
      const { slug } = await newTenant(t, 'free');
      assert.equal((await createUser(slug, 'first')).status, 201);
      const batch = (users: Array<Record<string, string>>) =>
        t.fetch(`/tenants/${slug}/users/batch`, { method: 'POST', body: { users: users.map((u) => ({ email: `${u.username}@example.com`, ...u })) } });
      const crossing = await batch([{ username: 'b1' }, { username: 'b2' }, { username: 'b3' }]);
      assertPlanRefusal(crossing, 'max_users', 'free');
      assert.ok(crossing.body.detail.includes('none was created'), crossing.body.detail);
      assert.equal(await userCount(slug), 1, 'not one of them');
      // A duplicate and an invalid user would not be created: they do not count.
      const reaching = await batch([{ username: 'b1' }, { username: 'b2' }, { username: 'first' }, { username: 'bad', email: 'not-an-email' }]);
      assert.equal(reaching.status, 201, reaching.text);
      assert.equal(reaching.body.success_created_count, 2);
      assert.deepEqual(reaching.body.duplicate_usernames, ['first']);
      assert.deepEqual(reaching.body.fail_create_usernames, ['bad']);
      assert.equal(await userCount(slug), 3, 'the limit');
      assertPlanRefusal(await batch([{ username: 'b4' }]), 'max_users', 'free');
      const nothingNew = await batch([{ username: 'b1' }]);
      assert.equal(nothingNew.status, 201, 'a batch of duplicates only adds nobody');
      assert.equal(nothingNew.body.success_created_count, 0);
    });

    test('max_users holds when creations race: of 6 at once on an empty free tenant, exactly 3 are created', async () => {
      const { slug } = await newTenant(t, 'free');
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => createUser(slug, `racer${i}`)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 201, 201, 403, 403, 403], answers.map((a) => a.text).join('\n'));
      assert.equal(await userCount(slug), 3);
    });

    test('a downgrade below usage is accepted: nothing is removed, only growth is refused until usage is under the limit', async () => {
      const { slug } = await newTenant(t, 'pro');
      for (let i = 0; i < 5; i++) assert.equal((await createUser(slug, `d${i}`)).status, 201);
      const downgraded = await t.fetch(`/tenants/${slug}/subscription`, { method: 'PUT', body: { plan: 'free' } });
      assert.equal(downgraded.status, 200, downgraded.text);
      assert.equal(downgraded.body.plan_details.max_users, 3);
      assert.equal(await userCount(slug), 5, 'every user stays');
      assert.equal((await t.fetch(`/tenants/${slug}/users/by-username/d4`)).status, 200);
      assertPlanRefusal(await createUser(slug, 'd5'), 'max_users', 'free');
      const users = (await t.fetch(`/tenants/${slug}/users`)).body.data as Array<{ user_id: string }>;
      for (const user of users.slice(0, 3)) assert.equal((await t.fetch(`/tenants/${slug}/users/${user.user_id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await createUser(slug, 'd5')).status, 201, '2 users: room for one');
      assertPlanRefusal(await createUser(slug, 'd6'), 'max_users', 'free');
    });

    test('max_clients: 1 and 2 clients on free (limit 2) are created, the 3rd is a 403; a replace is not growth', async () => {
      const { slug } = await newTenant(t, 'free');
      assert.equal((await createClient(slug, 'c1')).status, 200, 'limit − 1');
      assert.equal((await createClient(slug, 'c2')).status, 200, 'the limit');
      const refused = await createClient(slug, 'c3');
      assertPlanRefusal(refused, 'max_clients', 'free');
      assert.equal((await t.fetch(`/clients?tenant_id=${slug}`)).body.clients.length, 2);
      const replaced = await t.fetch('/clients/c1', { method: 'PUT', body: { tenant_id: slug, client_id: 'c1', name: 'Renamed', sing_alg: 'RS256' } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal((await t.fetch(`/clients/c2?tenant_id=${slug}`, { method: 'DELETE' })).status, 204);
      assert.equal((await createClient(slug, 'c3')).status, 200, 'a deletion makes room');
      await setPlan(t, slug, 'pro');
      assert.equal((await createClient(slug, 'c4')).status, 200, 'pro allows 10');
    });

    test('max_clients holds when creations race: of 4 at once on an empty free tenant, exactly 2 are created', async () => {
      const { slug } = await newTenant(t, 'free');
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => createClient(slug, `racer-${i}`)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 403, 403], answers.map((a) => a.text).join('\n'));
      assert.equal((await t.fetch(`/clients?tenant_id=${slug}`)).body.clients.length, 2);
    });

    test('custom_password_policy, password_history, custom_token_ttl: off on free refuses the change (FusionAuth 400 on the field), on pro allows it', async () => {
      const { id, slug } = await newTenant(t, 'free');
      const changes: Array<[Record<string, unknown>, string, string]> = [
        [{ passwordValidationRules: { minLength: 12 } }, 'tenant.passwordValidationRules.minLength', 'custom_password_policy'],
        [{ passwordValidationRules: { requireNonAlpha: true } }, 'tenant.passwordValidationRules.requireNonAlpha', 'custom_password_policy'],
        [{ maximumPasswordAge: { enabled: true, days: 90 } }, 'tenant.maximumPasswordAge.enabled', 'custom_password_policy'],
        [{ passwordValidationRules: { rememberPreviousPasswords: { enabled: true, count: 3 } } }, 'tenant.passwordValidationRules.rememberPreviousPasswords.enabled', 'password_history'],
        [{ jwtConfiguration: { timeToLiveInSeconds: 600 } }, 'tenant.jwtConfiguration.timeToLiveInSeconds', 'custom_token_ttl'],
        [{ jwtConfiguration: { refreshTokenTimeToLiveInMinutes: 60 } }, 'tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes', 'custom_token_ttl'],
        [{ httpSessionMaxInactiveInterval: 7200 }, 'tenant.httpSessionMaxInactiveInterval', 'custom_token_ttl'],
      ];
      const before = await faTenant(id);
      for (const [change, field, limit] of changes) {
        const refused = await patch(id, change);
        assert.equal(refused.status, 400, `${field}: ${refused.text}`);
        const errors = refused.body.fieldErrors?.[field];
        assert.ok(errors, `${field}: ${refused.text}`);
        assert.equal(errors[0].code, `[planLimit]${field}`);
        assert.match(errors[0].message, new RegExp(`^The free plan does not include ${limit}:`));
      }
      assert.deepEqual(await faTenant(id), before, 'nothing changed');
      const unguarded = await patch(id, { failedAuthenticationConfiguration: { tooManyAttempts: 7 }, name: unique('Renamed') });
      assert.equal(unguarded.status, 200, `what no plan detail guards changes freely: ${unguarded.text}`);

      await setPlan(t, slug, 'pro');
      for (const [change, field] of changes) assert.equal((await patch(id, change)).status, 200, field);
      const changed = await faTenant(id);
      assert.equal(changed.passwordValidationRules.minLength, 12);
      assert.equal(changed.jwtConfiguration.timeToLiveInSeconds, 600);

      // Back on free the custom values stay, may be kept by any update, and may go back to the defaults — not elsewhere.
      await setPlan(t, slug, 'free');
      assert.equal((await faTenant(id)).passwordValidationRules.minLength, 12, 'a downgrade keeps what the tenant has');
      assert.equal((await patch(id, { failedAuthenticationConfiguration: { tooManyAttempts: 6 } })).status, 200, 'kept values pass');
      const other = await patch(id, { passwordValidationRules: { minLength: 14 } });
      assert.equal(other.status, 400);
      assert.ok(other.body.fieldErrors['tenant.passwordValidationRules.minLength']);
      assert.equal((await patch(id, { passwordValidationRules: { minLength: 8 } })).status, 200, 'the default is always allowed');
      const replaced = await t.fetch(`/api/tenant/${id}`, { method: 'PUT', body: { tenant: { name: unique('Replaced') } } });
      assert.equal(replaced.status, 200, `a PUT returns everything to the defaults: ${replaced.text}`);
      assert.equal(replaced.body.tenant.jwtConfiguration.timeToLiveInSeconds, 3600);
      assert.equal(replaced.body.tenant.passwordValidationRules.rememberPreviousPasswords.enabled, false);
    });

    test('mfa, mfa.webauthn, mfa.fv and ciba: off on free refuses switching the factor on or setting CIBA; on enterprise allows it', async () => {
      const { id, slug } = await newTenant(t, 'free');
      const update = (edit: (s: TenantSettings) => void) =>
        t.server.tenants.update({}, id, (current) => {
          const settings = structuredClone(current.settings);
          edit(settings);
          return { name: current.name, settings };
        });
      const changes: Array<[(s: TenantSettings) => void, string, string[]]> = [
        [(s) => void (s.loginMethods.twoFactorRequired = true), 'loginMethods.twoFactorRequired', ['mfa']],
        [(s) => void (s.loginMethods.passkeyEnabled = true), 'loginMethods.passkeyEnabled', ['mfa.webauthn']],
        [(s) => void (s.loginMethods.useFaceRecognition = true), 'loginMethods.useFaceRecognition', ['mfa.fv']],
        [(s) => void (s.loginMethods.useLiveness = true), 'loginMethods.useLiveness', ['mfa.fv']],
        [(s) => void (s.ciba.deliveryMode = 'ping'), 'ciba.deliveryMode', ['ciba']],
        [(s) => void (s.ciba.notifierEndpoint = 'https://notify.example/ciba'), 'ciba.notifierEndpoint', ['ciba']],
        [(s) => void (s.tokens.cibaRequestTtlSeconds = 300), 'tokens.cibaRequestTtlSeconds', ['custom_token_ttl', 'ciba']],
      ];
      for (const [edit, field, limits] of changes) {
        await assert.rejects(update(edit), (error: unknown) => {
          assert.ok(error instanceof PlanLimitExceeded, String(error));
          assert.deepEqual(error.problems.map((p) => p.limit), limits, field);
          for (const p of error.problems) {
            assert.equal(p.plan, 'free');
            assert.equal(p.field, field);
            assert.match(p.message, new RegExp(`^The free plan does not include ${p.limit.replace('.', '\\.')}:`));
          }
          return true;
        });
      }
      const stored = await t.server.tenants.get({}, id);
      assert.equal(stored.settings.loginMethods.passkeyEnabled, false, 'nothing changed');
      assert.equal(stored.settings.ciba.deliveryMode, 'poll');

      await setPlan(t, slug, 'enterprise');
      for (const [edit, field] of changes) await assert.doesNotReject(update(edit), field);
      const enabled = await t.server.tenants.get({}, id);
      assert.equal(enabled.settings.loginMethods.passkeyEnabled, true);
      assert.equal(enabled.settings.ciba.deliveryMode, 'ping');

      // Downgraded, the factors stay on; switching one off is always allowed, on again is not.
      await setPlan(t, slug, 'free');
      await assert.doesNotReject(update((s) => void (s.loginMethods.passkeyEnabled = false)));
      await assert.rejects(update((s) => void (s.loginMethods.passkeyEnabled = true)), PlanLimitExceeded);
      await assert.doesNotReject(update((s) => void (s.loginMethods.useFaceRecognition = true)), 'kept as it is');
    });
  });

  describe(`tenants per account on ${backend.name} (new tenants on free: max_tenants 3, pro 5)`, () => {
    let t: TestServer;
    const create = (tenant: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: unique('Counted'), ...tenant }, ...extra } });
    const tenantCount = async () => (await t.fetch('/api/tenant')).body.tenants.length as number;

    before(async () => {
      t = await startTestServer(backend, { plans: CATALOGUE, defaultPlan: 'free' });
    });
    after(async () => {
      await t?.stop();
    });

    test('TESSERA_DEFAULT_PLAN puts every new tenant on its plan, the first-start tenant too', async () => {
      assert.equal((await t.fetch('/tenants/default/subscription')).body.plan, 'free');
    });

    test('a new tenant on free may not start with a custom password policy', async () => {
      const refused = await create({ passwordValidationRules: { minLength: 20 } });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.fieldErrors['tenant.passwordValidationRules.minLength'][0].code, '[planLimit]tenant.passwordValidationRules.minLength');
      assert.equal(await tenantCount(), 1, 'not created');
    });

    test('max_tenants: the 2nd and 3rd tenant are created, the 4th (a copy too) is a FusionAuth 400 naming max_tenants and free', async () => {
      const second = await create();
      assert.equal(second.status, 200, 'limit − 1');
      assert.equal((await t.fetch(`/tenants/${new URL(second.body.tenant.issuer).pathname.slice(1)}/subscription`)).body.plan, 'free');
      assert.equal((await create()).status, 200, 'the limit');
      const refused = await create();
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.generalErrors.length, 1);
      assert.equal(refused.body.generalErrors[0].code, '[planLimit]max_tenants');
      assert.match(refused.body.generalErrors[0].message, /^The free plan allows an account at most 3 tenants \(max_tenants\), and this account has 3\.$/);
      const copy = await create({}, { sourceTenantId: second.body.tenant.id });
      assert.equal(copy.status, 400);
      assert.equal(copy.body.generalErrors[0].code, '[planLimit]max_tenants');
      assert.equal(await tenantCount(), 3);
    });

    test("upgrading one of the account's tenants raises its allowance to that plan's: pro allows 5", async () => {
      await setPlan(t, 'default', 'pro');
      assert.equal((await create()).status, 200, '4');
      assert.equal((await create()).status, 200, '5: the pro limit');
      const refused = await create();
      assert.equal(refused.status, 400);
      assert.match(refused.body.generalErrors[0].message, /^The pro plan allows an account at most 5 tenants/);
      const tenants = (await t.fetch('/api/tenant')).body.tenants as Array<{ id: string; name: string }>;
      const last = tenants.find((tenant) => tenant.name.startsWith('Counted'))!;
      assert.equal((await t.fetch(`/api/tenant/${last.id}`, { method: 'DELETE' })).status, 200);
      assert.equal((await create()).status, 200, 'a deletion makes room');
      await setPlan(t, 'default', 'on-premise');
      assert.equal((await create()).status, 200, 'a tenant on a plan without a tenant limit lifts it');
    });
  });
}
