/**
 * Fuzz-style checks of the FusionAuth Tenant API (POST /api/tenant, POST /api/tenant/{id},
 * PUT /api/tenant/{id}, PATCH /api/tenant/{id}) on every storage back end: a few hundred
 * malformed, mistyped and out-of-range bodies, generated from a fixed seed, must each be
 * refused with a 4xx (400 in FusionAuth's error shape where the body is at fault), the server
 * must stay up, and nothing may be stored.
 *
 * The cases (test/support/fuzz/tenant-cases.ts) draw the fields and their kinds from the schema
 * at run time (tenant-fields.ts); judging is in tenant-judge.ts.
 *
 * Reproduce a run with TENANT_FUZZ_SEED=<seed> (the seed is printed in every failure).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { Rng } from '../support/fuzz/rng.js';
import { type Context, type FuzzCase, type JsonObject, patchCases, postCases, postWithIdCases, putCases } from '../support/fuzz/tenant-cases.js';
import { type Outcome, clip, describeFailure, judgeTenantCase, report } from '../support/fuzz/tenant-judge.js';

const DEFAULT_SEED = 0x7e55e7a;
const SEED = (() => {
  const raw = process.env.TENANT_FUZZ_SEED;
  if (!raw) return DEFAULT_SEED;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`TENANT_FUZZ_SEED must be an integer, got ${raw}`);
  return n >>> 0;
})();
const SEED_TEXT = `0x${SEED.toString(16)}`;
const BATCH_SIZE = 10;

async function send(t: TestServer, c: FuzzCase, index: number): Promise<Outcome> {
  try {
    const init = { method: c.method, ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : { body: c.body }), ...(c.headers ? { headers: c.headers } : {}) };
    const res = await t.fetch(c.path, init);
    return { index, c, status: res.status, text: res.text, body: res.body };
  } catch (error) {
    return { index, c, status: 0, text: '', body: undefined, error: String((error as Error)?.cause ?? error) };
  }
}

async function runCases(t: TestServer, cases: FuzzCase[], firstIndex: number): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += BATCH_SIZE) {
    const batch = cases.slice(i, i + BATCH_SIZE);
    const outcomes = await Promise.all(batch.map((c, j) => send(t, c, firstIndex + i + j)));
    for (const o of outcomes) {
      const why = judgeTenantCase(o);
      if (why) failures.push(describeFailure(o, why));
    }
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

for (const backend of backends()) {
  describe(`FusionAuth Tenant API fuzz on ${backend.name} (seed ${SEED_TEXT})`, () => {
    let t: TestServer;
    let groups: Array<{ name: string; cases: FuzzCase[]; first: number }> = [];
    let listBefore: string;
    let targetBefore: string;
    let targetId: string;

    before(async () => {
      t = await startTestServer(backend);
      const rng = new Rng(SEED);
      let counter = 0;
      const freshName = () => `Fuzz ${SEED_TEXT} ${++counter}`;
      const rich = (name?: string): JsonObject => {
        const r = new Rng(SEED ^ 0x51c4);
        return {
          ...(name === undefined ? {} : { name }),
          data: { description: 'No more secrets, Marty.', nested: { list: [1, 2, 3] } },
          connectorPolicies: [{ connectorId: r.uuid(), domains: ['example.com'], migrate: true }],
          emailConfiguration: {
            defaultFromEmail: 'jared@piedpiper.com', defaultFromName: 'Jared Dunn', host: 'smtp.example.com', port: 587,
            password: 'pw', username: 'user', security: 'TLS', properties: 'mail.debug=true',
            forgotPasswordEmailTemplateId: r.uuid(), passwordlessEmailTemplateId: r.uuid(),
            setPasswordEmailTemplateId: r.uuid(), verificationEmailTemplateId: r.uuid(),
            verifyEmail: true, verifyEmailWhenChanged: true,
          },
          eventConfiguration: { events: { 'user.create': { enabled: true, transactionType: 'Any' }, 'jwt.refresh': { enabled: false, transactionType: 'None' } } },
          externalIdentifierConfiguration: {
            authorizationGrantIdTimeToLiveInSeconds: 600, changePasswordIdGenerator: { length: 12, type: 'randomDigits' },
            changePasswordIdTimeToLiveInSeconds: 601, deviceCodeTimeToLiveInSeconds: 1801, deviceUserCodeIdGenerator: { length: 8, type: 'randomAlpha' },
            emailVerificationIdGenerator: { length: 128, type: 'randomBytes' }, emailVerificationIdTimeToLiveInSeconds: 86401,
            externalAuthenticationIdTimeToLiveInSeconds: 301, oneTimePasswordTimeToLiveInSeconds: 61,
            passwordlessLoginGenerator: { length: 16, type: 'randomBytes' }, passwordlessLoginTimeToLiveInSeconds: 181,
            registrationVerificationIdGenerator: { length: 4, type: 'randomAlphaNumeric' }, registrationVerificationIdTimeToLiveInSeconds: 86402,
            samlv2AuthNRequestIdTimeToLiveInSeconds: 302, setupPasswordIdGenerator: { length: 20, type: 'randomBytes' },
            setupPasswordIdTimeToLiveInSeconds: 86403, twoFactorIdTimeToLiveInSeconds: 303, twoFactorTrustIdTimeToLiveInSeconds: 2592001,
          },
          failedAuthenticationConfiguration: { actionDuration: 2, actionDurationUnit: 'HOURS', resetCountInSeconds: 120, tooManyAttempts: 7, userActionId: r.uuid() },
          familyConfiguration: {
            allowChildRegistrations: false, confirmChildEmailTemplateId: r.uuid(), deleteOrphanedAccounts: true, deleteOrphanedAccountsDays: 10,
            enabled: true, familyRequestEmailTemplateId: r.uuid(), maximumChildAge: 13, minimumOwnerAge: 18, parentEmailRequired: true,
            parentRegistrationEmailTemplateId: r.uuid(),
          },
          formConfiguration: { adminUserFormId: r.uuid() },
          httpSessionMaxInactiveInterval: 7200,
          issuer: 'https://login.example.com',
          jwtConfiguration: {
            enabled: true, refreshTokenExpirationPolicy: 'SlidingWindow',
            refreshTokenRevocationPolicy: { onLoginPrevented: false, onPasswordChanged: false }, refreshTokenTimeToLiveInMinutes: 600,
            refreshTokenUsagePolicy: 'OneTimeUse', timeToLiveInSeconds: 900,
          },
          logoutURL: 'https://example.com/logout',
          maximumPasswordAge: { days: 90, enabled: true },
          minimumPasswordAge: { seconds: 60, enabled: true },
          passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 12, modifyEncryptionSchemeOnLogin: true },
          passwordValidationRules: {
            breachDetection: { enabled: true, matchMode: 'Medium', notifyUserEmailTemplateId: r.uuid(), onLogin: 'NotifyUser' },
            maxLength: 100, minLength: 10, rememberPreviousPasswords: { count: 3, enabled: true },
            requireMixedCase: true, requireNonAlpha: true, requireNumber: true, validateOnLogin: true,
          },
          themeId: r.uuid(),
          userDeletePolicy: { unverified: { enabled: true, numberOfDaysToRetain: 30 } },
        };
      };

      // The tenants the cases aim at. The target keeps the defaults the rule cases rely on
      // (no verification template, no unverified-user deletion, mixed case and digits off),
      // with password lengths 10–64.
      targetId = rng.uuid();
      const target = await t.fetch(`/api/tenant/${targetId}`, {
        method: 'POST',
        body: { tenant: { name: `Fuzz target ${SEED_TEXT}`, httpSessionMaxInactiveInterval: 1234, passwordValidationRules: { minLength: 10, maxLength: 64 }, data: { keep: 'me' } } },
      });
      assert.equal(target.status, 200, `creating the target: ${target.text}`);
      const otherName = `Fuzz other ${SEED_TEXT}`;
      const other = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: otherName } } });
      assert.equal(other.status, 200, `creating the other tenant: ${other.text}`);

      // Controls: the rich base is valid for every method, so a refusal of a mutated copy is the mutation's doing.
      const control = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: rich(`Fuzz control ${SEED_TEXT}`) } });
      assert.equal(control.status, 200, `the rich base must be a valid POST: ${control.text}`);
      const controlPath = `/api/tenant/${control.body.tenant.id}`;
      const put = await t.fetch(controlPath, { method: 'PUT', body: { tenant: rich(`Fuzz control put ${SEED_TEXT}`) } });
      assert.equal(put.status, 200, `the rich base must be a valid PUT: ${put.text}`);
      const patch = await t.fetch(controlPath, { method: 'PATCH', body: { tenant: rich(`Fuzz control patch ${SEED_TEXT}`) } });
      assert.equal(patch.status, 200, `the rich base must be a valid PATCH: ${patch.text}`);
      const patchTarget = await t.fetch(controlPath, { method: 'PATCH', body: { tenant: rich() } });
      assert.equal(patchTarget.status, 200, `the rich base without a name must be a valid PATCH: ${patchTarget.text}`);

      const ctx: Context = {
        rng,
        freshName,
        targetId,
        otherName,
        existingKeyId: target.body.tenant.jwtConfiguration.accessTokenKeyId,
        richTenant: rich,
      };
      const made = [
        { name: 'POST /api/tenant', cases: postCases(ctx) },
        { name: 'POST /api/tenant/{id}', cases: postWithIdCases(ctx) },
        { name: 'PUT /api/tenant/{id}', cases: putCases(ctx) },
        { name: 'PATCH /api/tenant/{id}', cases: patchCases(ctx) },
      ];
      let first = 0;
      groups = made.map((g) => {
        const group = { ...g, first };
        first += g.cases.length;
        return group;
      });

      listBefore = (await t.fetch('/api/tenant')).text;
      targetBefore = (await t.fetch(`/api/tenant/${targetId}`)).text;
    });

    after(async () => {
      await t?.stop();
    });

    for (const name of ['POST /api/tenant', 'POST /api/tenant/{id}', 'PUT /api/tenant/{id}', 'PATCH /api/tenant/{id}']) {
      test(`${name}: every invalid body is refused with a 4xx in FusionAuth's error shape`, async (tc) => {
        const group = groups.find((g) => g.name === name);
        assert.ok(group, 'the cases were generated');
        tc.diagnostic(`${group.cases.length} cases, seed ${SEED_TEXT}`);
        const failures = await runCases(t, group.cases, group.first);
        assert.equal(failures.length, 0, report(name, group.cases.length, failures, { text: SEED_TEXT, value: SEED }));
      });
    }

    test('afterwards the server is up and nothing was stored or changed', async (tc) => {
      const total = groups.reduce((n, g) => n + g.cases.length, 0);
      tc.diagnostic(`${total} cases in all on ${backend.name}, seed ${SEED_TEXT}`);
      const problems: string[] = [];
      const status = await t.fetch('/api/status', { headers: { authorization: '' } });
      if (status.status !== 200) problems.push(`GET /api/status answered ${status.status} ${status.text}`);
      const listAfter = (await t.fetch('/api/tenant')).text;
      if (listAfter !== listBefore) {
        const byId = (text: string) => new Map<string, string>((JSON.parse(text) as { tenants: Array<{ id: string }> }).tenants.map((x) => [x.id, JSON.stringify(x)]));
        const was = byId(listBefore);
        const now = byId(listAfter);
        const added = [...now].filter(([id]) => !was.has(id)).map(([, x]) => clip(x, 300));
        const removed = [...was].filter(([id]) => !now.has(id)).map(([, x]) => clip(x, 300));
        const changed = [...now].filter(([id, x]) => was.has(id) && was.get(id) !== x).map(([, x]) => clip(x, 300));
        problems.push(`GET /api/tenant changed: added ${JSON.stringify(added)}, removed ${JSON.stringify(removed)}, changed ${JSON.stringify(changed)}`);
      }
      const targetAfter = (await t.fetch(`/api/tenant/${targetId}`)).text;
      if (targetAfter !== targetBefore) problems.push(`the PUT/PATCH target changed:\n  before: ${clip(targetBefore, 1500)}\n  after:  ${clip(targetAfter, 1500)}`);
      assert.deepEqual(problems, [], `seed ${SEED_TEXT}:\n${problems.join('\n')}`);
    });
  });
}
