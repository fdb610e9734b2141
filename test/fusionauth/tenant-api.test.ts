/**
 * The FusionAuth Tenant API, driven through FusionAuth's own TypeScript client against a real
 * server on loopback, on every storage back end.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`FusionAuth Tenant API on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    test('first start created the Default tenant with two signing keys of its own', async () => {
      const { statusCode, response } = await attempt(t.client().retrieveTenants());
      assert.equal(statusCode, 200);
      const tenant = response.tenants.find((x: any) => x.name === 'Default');
      assert.ok(tenant, 'Default tenant exists');
      assert.equal(tenant.issuer, 'http://tessera.test/default');
      const access = await attempt(t.client().retrieveKey(tenant.jwtConfiguration.accessTokenKeyId));
      const id = await attempt(t.client().retrieveKey(tenant.jwtConfiguration.idTokenKeyId));
      assert.equal(access.statusCode, 200);
      assert.equal(id.statusCode, 200);
      assert.notEqual(access.response.key.id, id.response.key.id);
    });

    test('a tenant created with only a name is complete, with the documented defaults', async () => {
      const { statusCode, response } = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: 'Pied Piper' } }));
      assert.equal(statusCode, 200);
      const tenant = response.tenant;
      assert.match(tenant.id, /^[0-9a-f-]{36}$/);
      assert.equal(tenant.state, 'Active');
      assert.equal(typeof tenant.insertInstant, 'number');
      assert.equal(tenant.insertInstant, tenant.lastUpdateInstant);
      assert.equal(tenant.issuer, 'http://tessera.test/pied-piper');
      assert.equal(tenant.emailConfiguration.defaultFromEmail, 'no-reply@fusionauth.io');
      assert.equal(tenant.emailConfiguration.security, 'NONE');
      assert.equal(tenant.emailConfiguration.verifyEmail, false);
      assert.deepEqual(tenant.failedAuthenticationConfiguration, { actionDuration: 3, actionDurationUnit: 'MINUTES', resetCountInSeconds: 60, tooManyAttempts: 5 });
      assert.equal(tenant.externalIdentifierConfiguration.authorizationGrantIdTimeToLiveInSeconds, 30);
      assert.deepEqual(tenant.externalIdentifierConfiguration.deviceUserCodeIdGenerator, { type: 'randomAlphaNumeric', length: 6 });
      assert.deepEqual(tenant.externalIdentifierConfiguration.changePasswordIdGenerator, { type: 'randomBytes', length: 32 });
      assert.equal(tenant.externalIdentifierConfiguration.samlv2AuthNRequestIdTimeToLiveInSeconds, 300);
      assert.equal(tenant.familyConfiguration.maximumChildAge, 12);
      assert.equal(tenant.familyConfiguration.minimumOwnerAge, 21);
      assert.equal(tenant.familyConfiguration.deleteOrphanedAccountsDays, 30);
      assert.equal(tenant.familyConfiguration.allowChildRegistrations, true);
      assert.equal(tenant.httpSessionMaxInactiveInterval, 3600);
      assert.equal(tenant.jwtConfiguration.refreshTokenExpirationPolicy, 'Fixed');
      assert.deepEqual(tenant.jwtConfiguration.refreshTokenRevocationPolicy, { onLoginPrevented: true, onPasswordChanged: true });
      assert.deepEqual(tenant.maximumPasswordAge, { days: 180, enabled: false });
      assert.deepEqual(tenant.minimumPasswordAge, { seconds: 30, enabled: false });
      assert.deepEqual(tenant.passwordEncryptionConfiguration, { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 24000, modifyEncryptionSchemeOnLogin: false });
      assert.equal(tenant.passwordValidationRules.minLength, 8);
      assert.equal(tenant.passwordValidationRules.maxLength, 256);
      assert.equal(tenant.passwordValidationRules.requireMixedCase, false);
      assert.equal(tenant.passwordValidationRules.breachDetection.enabled, false);
      assert.equal(tenant.userDeletePolicy.unverified.enabled, false);
      assert.match(tenant.themeId, /^[0-9a-f-]{36}$/);
      // Access tokens are signed on every login: ES256. Id tokens: RS256, which every OpenID RP accepts.
      const keys = [[tenant.jwtConfiguration.accessTokenKeyId, 'ES256'], [tenant.jwtConfiguration.idTokenKeyId, 'RS256']] as const;
      for (const [keyId, algorithm] of keys) {
        const key = await attempt(t.client().retrieveKey(keyId));
        assert.equal(key.statusCode, 200);
        assert.equal(key.response.key.algorithm, algorithm);
        assert.equal(key.response.key.privateKey, undefined, 'private material never leaves the server');
      }
    });

    test('create with a given id, retrieve it, and refuse the same id twice', async () => {
      const id = crypto.randomUUID();
      const created = await attempt(t.client().createTenant(id, { tenant: { name: `Given ${id}` } }));
      assert.equal(created.statusCode, 200);
      assert.equal(created.response.tenant.id, id);
      const fetched = await attempt(t.client().retrieveTenant(id));
      assert.equal(fetched.statusCode, 200);
      assert.deepEqual(fetched.response.tenant, created.response.tenant);
      const again = await attempt(t.client().createTenant(id, { tenant: { name: `Other ${id}` } }));
      assert.equal(again.statusCode, 400);
      assert.deepEqual(codesFor(again.response, 'tenant.id'), ['[duplicate]tenant.id']);
    });

    test('every field given is stored and returned as given', async () => {
      const key = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'ES256' as any, name: `es-${crypto.randomUUID()}` } }));
      const body = {
        name: `Playtronics ${crypto.randomUUID()}`,
        data: { description: 'No more secrets, Marty.' },
        connectorPolicies: [{ connectorId: crypto.randomUUID(), domains: ['example.com'], migrate: true }],
        emailConfiguration: {
          defaultFromEmail: 'jared@piedpiper.com', defaultFromName: 'Jared Dunn', host: 'smtp.example.com', port: 587,
          password: 'pw', username: 'user', security: 'TLS', properties: 'mail.debug=true',
          forgotPasswordEmailTemplateId: crypto.randomUUID(), passwordlessEmailTemplateId: crypto.randomUUID(),
          setPasswordEmailTemplateId: crypto.randomUUID(), verificationEmailTemplateId: crypto.randomUUID(),
          verifyEmail: true, verifyEmailWhenChanged: true,
        },
        eventConfiguration: { events: { 'user.create': { enabled: true, transactionType: 'Any' } } },
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
        failedAuthenticationConfiguration: { actionDuration: 2, actionDurationUnit: 'HOURS', resetCountInSeconds: 120, tooManyAttempts: 7, userActionId: crypto.randomUUID() },
        familyConfiguration: {
          allowChildRegistrations: false, confirmChildEmailTemplateId: crypto.randomUUID(), deleteOrphanedAccounts: true, deleteOrphanedAccountsDays: 10,
          enabled: true, familyRequestEmailTemplateId: crypto.randomUUID(), maximumChildAge: 13, minimumOwnerAge: 18, parentEmailRequired: true,
          parentRegistrationEmailTemplateId: crypto.randomUUID(),
        },
        formConfiguration: { adminUserFormId: crypto.randomUUID() },
        httpSessionMaxInactiveInterval: 7200,
        issuer: 'https://login.example.com',
        jwtConfiguration: {
          enabled: true, accessTokenKeyId: key.response.key.id, idTokenKeyId: key.response.key.id, refreshTokenExpirationPolicy: 'SlidingWindow',
          refreshTokenRevocationPolicy: { onLoginPrevented: false, onPasswordChanged: false }, refreshTokenTimeToLiveInMinutes: 600,
          refreshTokenUsagePolicy: 'OneTimeUse', timeToLiveInSeconds: 900,
        },
        logoutURL: 'https://example.com/logout',
        maximumPasswordAge: { days: 90, enabled: true },
        minimumPasswordAge: { seconds: 60, enabled: true },
        passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 12, modifyEncryptionSchemeOnLogin: true },
        passwordValidationRules: {
          breachDetection: { enabled: true, matchMode: 'Medium', notifyUserEmailTemplateId: crypto.randomUUID(), onLogin: 'NotifyUser' },
          maxLength: 100, minLength: 10, rememberPreviousPasswords: { count: 3, enabled: true },
          requireMixedCase: true, requireNonAlpha: true, requireNumber: true, validateOnLogin: true,
        },
        themeId: crypto.randomUUID(),
        userDeletePolicy: { unverified: { enabled: true, numberOfDaysToRetain: 30 } },
      };
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: body as any }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const { id, insertInstant, lastUpdateInstant, state, ...returned } = created.response.tenant;
      const slug = (await t.server.tenants.get({}, id)).slug;
      assert.deepEqual(returned, { ...body, issuer: `http://tessera.test/${slug}` }, 'every field as given, but the issuer: the one in force');
      assert.equal(state, 'Active');
      const fetched = await attempt(t.client().retrieveTenant(id));
      assert.deepEqual(fetched.response.tenant, created.response.tenant);
      void insertInstant;
      void lastUpdateInstant;
    });

    test('validation: each documented rule is a field error in FusionAuth shape, and nothing is stored', async () => {
      const before = (await attempt(t.client().retrieveTenants())).response.tenants.length;
      const cases: Array<[string, any, string]> = [
        ['missing name', {}, '[blank]tenant.name'],
        ['blank name', { name: '   ' }, '[blank]tenant.name'],
        ['authorization code ttl over 600', { externalIdentifierConfiguration: { authorizationGrantIdTimeToLiveInSeconds: 601 } }, '[invalid]tenant.externalIdentifierConfiguration.authorizationGrantIdTimeToLiveInSeconds'],
        ['authorization code ttl zero', { externalIdentifierConfiguration: { authorizationGrantIdTimeToLiveInSeconds: 0 } }, '[invalid]tenant.externalIdentifierConfiguration.authorizationGrantIdTimeToLiveInSeconds'],
        ['randomBytes generator too short', { externalIdentifierConfiguration: { changePasswordIdGenerator: { type: 'randomBytes', length: 15 } } }, '[invalid]tenant.externalIdentifierConfiguration.changePasswordIdGenerator.length'],
        ['randomBytes generator too long', { externalIdentifierConfiguration: { setupPasswordIdGenerator: { type: 'randomBytes', length: 129 } } }, '[invalid]tenant.externalIdentifierConfiguration.setupPasswordIdGenerator.length'],
        ['randomDigits generator too long', { externalIdentifierConfiguration: { emailVerificationIdGenerator: { type: 'randomDigits', length: 13 } } }, '[invalid]tenant.externalIdentifierConfiguration.emailVerificationIdGenerator.length'],
        ['randomAlpha generator too short', { externalIdentifierConfiguration: { deviceUserCodeIdGenerator: { type: 'randomAlpha', length: 3 } } }, '[invalid]tenant.externalIdentifierConfiguration.deviceUserCodeIdGenerator.length'],
        ['passwordless generator', { externalIdentifierConfiguration: { passwordlessLoginGenerator: { type: 'randomAlphaNumeric', length: 64 } } }, '[invalid]tenant.externalIdentifierConfiguration.passwordlessLoginGenerator.length'],
        ['unknown generator type', { externalIdentifierConfiguration: { registrationVerificationIdGenerator: { type: 'randomEmoji', length: 8 } } }, '[invalid]tenant.externalIdentifierConfiguration.registrationVerificationIdGenerator.type'],
        ['ttl not positive', { externalIdentifierConfiguration: { twoFactorIdTimeToLiveInSeconds: 0 } }, '[invalid]tenant.externalIdentifierConfiguration.twoFactorIdTimeToLiveInSeconds'],
        ['jwt ttl not positive', { jwtConfiguration: { timeToLiveInSeconds: -5 } }, '[invalid]tenant.jwtConfiguration.timeToLiveInSeconds'],
        ['refresh ttl not positive', { jwtConfiguration: { refreshTokenTimeToLiveInMinutes: 0 } }, '[invalid]tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes'],
        ['tooManyAttempts zero', { failedAuthenticationConfiguration: { tooManyAttempts: 0 } }, '[invalid]tenant.failedAuthenticationConfiguration.tooManyAttempts'],
        ['actionDuration zero', { failedAuthenticationConfiguration: { actionDuration: 0 } }, '[invalid]tenant.failedAuthenticationConfiguration.actionDuration'],
        ['bad duration unit', { failedAuthenticationConfiguration: { actionDurationUnit: 'SECONDS' } }, '[invalid]tenant.failedAuthenticationConfiguration.actionDurationUnit'],
        ['verifyEmail without template', { emailConfiguration: { verifyEmail: true } }, '[blank]tenant.emailConfiguration.verificationEmailTemplateId'],
        ['verifyEmailWhenChanged without template', { emailConfiguration: { verifyEmailWhenChanged: true } }, '[blank]tenant.emailConfiguration.verificationEmailTemplateId'],
        ['unverified delete without days', { userDeletePolicy: { unverified: { enabled: true } } }, '[blank]tenant.userDeletePolicy.unverified.numberOfDaysToRetain'],
        ['min length over max length', { passwordValidationRules: { minLength: 20, maxLength: 10 } }, '[invalid]tenant.passwordValidationRules.maxLength'],
        ['remember count zero', { passwordValidationRules: { rememberPreviousPasswords: { enabled: true, count: 0 } } }, '[invalid]tenant.passwordValidationRules.rememberPreviousPasswords.count'],
        ['breach notify without template', { passwordValidationRules: { breachDetection: { enabled: true, onLogin: 'NotifyUser' } } }, '[blank]tenant.passwordValidationRules.breachDetection.notifyUserEmailTemplateId'],
        ['unknown access token key', { jwtConfiguration: { accessTokenKeyId: crypto.randomUUID() } }, '[missing]tenant.jwtConfiguration.accessTokenKeyId'],
        ['unknown id token key', { jwtConfiguration: { idTokenKeyId: crypto.randomUUID() } }, '[missing]tenant.jwtConfiguration.idTokenKeyId'],
        ['key id not a UUID', { jwtConfiguration: { idTokenKeyId: 'nope' } }, '[invalid]tenant.jwtConfiguration.idTokenKeyId'],
        ['security not in enum', { emailConfiguration: { security: 'STARTTLS' } }, '[invalid]tenant.emailConfiguration.security'],
        ['port out of range', { emailConfiguration: { port: 70000 } }, '[invalid]tenant.emailConfiguration.port'],
        ['port wrong type', { emailConfiguration: { port: '25' } }, '[couldNotConvert]tenant.emailConfiguration.port'],
        ['unknown encryption scheme', { passwordEncryptionConfiguration: { encryptionScheme: 'rot13' } }, '[invalid]tenant.passwordEncryptionConfiguration.encryptionScheme'],
        ['family age zero', { familyConfiguration: { maximumChildAge: 0 } }, '[invalid]tenant.familyConfiguration.maximumChildAge'],
        ['duplicate connector', { connectorPolicies: [{ connectorId: '6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10' }, { connectorId: '6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10' }] }, '[duplicate]tenant.connectorPolicies[1].connectorId'],
        ['refresh usage policy', { jwtConfiguration: { refreshTokenUsagePolicy: 'Sometimes' } }, '[invalid]tenant.jwtConfiguration.refreshTokenUsagePolicy'],
        ['unknown event type', { eventConfiguration: { events: { 'user.teleport': { enabled: true } } } }, '[invalid]tenant.eventConfiguration.events.user.teleport'],
        ['event transaction type', { eventConfiguration: { events: { 'user.create': { enabled: true, transactionType: 'Most' } } } }, "[invalid]tenant.eventConfiguration.events.user.create.transactionType"],
      ];
      for (const [label, tenant, code] of cases) {
        const body = { tenant: { name: `Invalid ${crypto.randomUUID()}`, ...tenant } };
        if (label === 'missing name') delete (body.tenant as any).name;
        const result = await attempt(t.client().createTenant(null as unknown as string, body as any));
        assert.equal(result.statusCode, 400, `${label}: expected 400, got ${result.statusCode}`);
        const field = code.replace(/^\[\w+\]/, '');
        assert.ok(codesFor(result.response, field).includes(code), `${label}: expected ${code}, got ${JSON.stringify(result.response)}`);
        assert.equal(typeof result.response.fieldErrors[field][0].message, 'string');
      }
      const afterCount = (await attempt(t.client().retrieveTenants())).response.tenants.length;
      assert.equal(afterCount, before, 'no invalid tenant was stored');
    });

    test('names are unique', async () => {
      const name = `Unique ${crypto.randomUUID()}`;
      assert.equal((await attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }))).statusCode, 200);
      const again = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }));
      assert.equal(again.statusCode, 400);
      assert.deepEqual(codesFor(again.response, 'tenant.name'), ['[duplicate]tenant.name']);
    });

    test('PUT replaces: fields left out return to their defaults', async () => {
      const created = await attempt(
        t.client().createTenant(null as unknown as string, {
          tenant: { name: `Put ${crypto.randomUUID()}`, httpSessionMaxInactiveInterval: 99, logoutURL: 'https://x.example/out', data: { a: 1 } },
        }),
      );
      const id = created.response.tenant.id;
      const put = await attempt(t.client().updateTenant(id, { tenant: { name: 'Renamed by PUT ' + id } }));
      assert.equal(put.statusCode, 200);
      assert.equal(put.response.tenant.name, 'Renamed by PUT ' + id);
      assert.equal(put.response.tenant.httpSessionMaxInactiveInterval, 3600);
      assert.equal(put.response.tenant.logoutURL, undefined);
      assert.deepEqual(put.response.tenant.data, {});
      // Keys and issuer have no static default: they stay.
      assert.equal(put.response.tenant.jwtConfiguration.accessTokenKeyId, created.response.tenant.jwtConfiguration.accessTokenKeyId);
      assert.equal(put.response.tenant.issuer, created.response.tenant.issuer);
      assert.equal(put.response.tenant.insertInstant, created.response.tenant.insertInstant);
      assert.ok(put.response.tenant.lastUpdateInstant >= created.response.tenant.lastUpdateInstant);
      const noName = await attempt(t.client().updateTenant(id, { tenant: {} }));
      assert.equal(noName.statusCode, 400);
      assert.deepEqual(codesFor(noName.response, 'tenant.name'), ['[blank]tenant.name']);
      assert.equal((await attempt(t.client().updateTenant(crypto.randomUUID(), { tenant: { name: 'x' } }))).statusCode, 404);
    });

    test('PATCH merges, null removes a value, and invalid merges are refused', async () => {
      const created = await attempt(
        t.client().createTenant(null as unknown as string, {
          tenant: { name: `Patch ${crypto.randomUUID()}`, logoutURL: 'https://x.example/out', data: { keep: true, drop: 1 }, httpSessionMaxInactiveInterval: 77 },
        }),
      );
      const id = created.response.tenant.id;
      const patched = await attempt(
        t.client().patchTenant(id, { tenant: { passwordValidationRules: { minLength: 12 }, data: { drop: null, added: 'yes' }, logoutURL: null } as any }),
      );
      assert.equal(patched.statusCode, 200, JSON.stringify(patched.response));
      const tenant = patched.response.tenant;
      assert.equal(tenant.passwordValidationRules.minLength, 12);
      assert.equal(tenant.passwordValidationRules.maxLength, 256, 'sibling fields are kept');
      assert.equal(tenant.httpSessionMaxInactiveInterval, 77, 'untouched fields are kept');
      assert.equal(tenant.name, created.response.tenant.name);
      assert.deepEqual(tenant.data, { keep: true, added: 'yes' });
      assert.equal(tenant.logoutURL, undefined);
      const invalid = await attempt(t.client().patchTenant(id, { tenant: { passwordValidationRules: { maxLength: 5 } } as any }));
      assert.equal(invalid.statusCode, 400);
      assert.deepEqual(codesFor(invalid.response, 'tenant.passwordValidationRules.maxLength'), ['[invalid]tenant.passwordValidationRules.maxLength']);
      const wrongType = await attempt(t.client().patchTenant(id, { tenant: { httpSessionMaxInactiveInterval: 'soon' } as any }));
      assert.equal(wrongType.statusCode, 400);
      assert.deepEqual(codesFor(wrongType.response, 'tenant.httpSessionMaxInactiveInterval'), ['[couldNotConvert]tenant.httpSessionMaxInactiveInterval']);
      const unchanged = await attempt(t.client().retrieveTenant(id));
      assert.equal(unchanged.response.tenant.passwordValidationRules.maxLength, 256, 'refused patch wrote nothing');
      assert.equal((await attempt(t.client().patchTenant(crypto.randomUUID(), { tenant: {} }))).statusCode, 404);
    });

    test('sourceTenantId copies every setting but id and name, with keys of its own', async () => {
      const source = await attempt(
        t.client().createTenant(null as unknown as string, {
          tenant: { name: `Source ${crypto.randomUUID()}`, httpSessionMaxInactiveInterval: 1234, passwordValidationRules: { minLength: 11 }, data: { copied: true } },
        }),
      );
      const copy = await attempt(t.client().createTenant(null as unknown as string, { sourceTenantId: source.response.tenant.id, tenant: { name: `Copy ${crypto.randomUUID()}` } }));
      assert.equal(copy.statusCode, 200);
      const a = source.response.tenant;
      const b = copy.response.tenant;
      assert.notEqual(b.id, a.id);
      assert.equal(b.httpSessionMaxInactiveInterval, 1234);
      assert.equal(b.passwordValidationRules.minLength, 11);
      assert.deepEqual(b.data, { copied: true });
      assert.notEqual(b.jwtConfiguration.accessTokenKeyId, a.jwtConfiguration.accessTokenKeyId);
      assert.notEqual(b.issuer, a.issuer);
      const missing = await attempt(t.client().createTenant(null as unknown as string, { sourceTenantId: crypto.randomUUID(), tenant: { name: `Copy ${crypto.randomUUID()}` } }));
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(codesFor(missing.response, 'sourceTenantId'), ['[invalid]sourceTenantId']);
    });

    test('DELETE removes the tenant and the keys it owns; unknown ids are 404', async () => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Doomed ${crypto.randomUUID()}` } }));
      const tenant = created.response.tenant;
      assert.equal((await attempt(t.client().deleteTenant(tenant.id))).statusCode, 200);
      assert.equal((await attempt(t.client().retrieveTenant(tenant.id))).statusCode, 404);
      assert.equal((await attempt(t.client().retrieveKey(tenant.jwtConfiguration.accessTokenKeyId))).statusCode, 404);
      assert.equal((await attempt(t.client().deleteTenant(tenant.id))).statusCode, 404);
    });

    test('DELETE ?async=true answers 202, shows PendingDelete, then the tenant is gone', async () => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Async ${crypto.randomUUID()}` } }));
      const id = created.response.tenant.id;
      const accepted = await attempt(t.client().deleteTenantAsync(id));
      assert.equal(accepted.statusCode, 202);
      const during = await attempt(t.client().retrieveTenant(id));
      if (during.statusCode === 200) assert.equal(during.response.tenant.state, 'PendingDelete');
      else assert.equal(during.statusCode, 404);
      await t.server.tenants.settle();
      assert.equal((await attempt(t.client().retrieveTenant(id))).statusCode, 404);
    });

    test('a key signing for a tenant cannot be deleted', async () => {
      const key = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'RS256' as any, name: `shared-${crypto.randomUUID()}` } }));
      const keyId = key.response.key.id;
      const tenant = await attempt(
        t.client().createTenant(null as unknown as string, { tenant: { name: `Uses key ${crypto.randomUUID()}`, jwtConfiguration: { accessTokenKeyId: keyId, idTokenKeyId: keyId } as any } }),
      );
      assert.equal(tenant.statusCode, 200);
      const refused = await attempt(t.client().deleteKey(keyId));
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.response.generalErrors[0].code, '[inUse]keyId');
      await attempt(t.client().deleteTenant(tenant.response.tenant.id));
      assert.equal((await attempt(t.client().deleteKey(keyId))).statusCode, 200, 'free once no tenant uses it');
    });

    test('password validation rules are served without an API key, and nothing else', async () => {
      const created = await attempt(
        t.client().createTenant(null as unknown as string, {
          tenant: { name: `Rules ${crypto.randomUUID()}`, passwordValidationRules: { minLength: 9, requireNumber: true, rememberPreviousPasswords: { enabled: true, count: 2 } } as any },
        }),
      );
      const anonymous = new (t.client().constructor as any)(null, t.url);
      const rules = await attempt(anonymous.retrievePasswordValidationRulesWithTenantId(created.response.tenant.id));
      assert.equal(rules.statusCode, 200);
      assert.deepEqual(Object.keys(rules.response), ['passwordValidationRules']);
      assert.equal(rules.response.passwordValidationRules.minLength, 9);
      assert.equal(rules.response.passwordValidationRules.requireNumber, true);
      assert.deepEqual(rules.response.passwordValidationRules.rememberPreviousPasswords, { count: 2, enabled: true });
      assert.equal((await t.fetch(`/api/tenant/password-validation-rules/${crypto.randomUUID()}`, { headers: { authorization: '' } })).status, 404);
    });

    test('a missing or wrong API key is 401 with an empty body', async () => {
      const none = await t.fetch('/api/tenant', { headers: { authorization: '' } });
      assert.equal(none.status, 401);
      assert.equal(none.text, '');
      const wrong = await attempt(t.client('not-a-real-key-at-all').retrieveTenants());
      assert.equal(wrong.statusCode, 401);
      const bearer = await t.fetch('/api/tenant', { headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(bearer.status, 200);
      const xApiKey = await t.fetch('/api/tenant', { headers: { authorization: '', 'x-api-key': t.apiKey } });
      assert.equal(xApiKey.status, 200);
    });

    test('a tenant-locked API key sees and changes only its tenant', async () => {
      const mine = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Mine ${crypto.randomUUID()}` } }))).response.tenant;
      const other = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Other ${crypto.randomUUID()}` } }))).response.tenant;
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: mine.id } }));
      assert.equal(created.statusCode, 200);
      const locked = t.client(created.response.apiKey.key);
      const list = await attempt(locked.retrieveTenants());
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.response.tenants.map((x: any) => x.id), [mine.id]);
      assert.equal((await attempt(locked.retrieveTenant(mine.id))).statusCode, 200);
      assert.equal((await attempt(locked.retrieveTenant(other.id))).statusCode, 401);
      assert.equal((await attempt(locked.patchTenant(other.id, { tenant: { httpSessionMaxInactiveInterval: 5 } }))).statusCode, 401);
      assert.equal((await attempt(locked.patchTenant(mine.id, { tenant: { httpSessionMaxInactiveInterval: 5 } }))).statusCode, 200);
      assert.equal((await attempt(locked.deleteTenant(other.id))).statusCode, 401);
      assert.equal((await attempt(locked.createTenant(null as unknown as string, { tenant: { name: `Nope ${crypto.randomUUID()}` } }))).statusCode, 401);
      assert.equal((await attempt(locked.retrieveKeys())).statusCode, 401, 'keys are global objects');
      assert.equal((await attempt(locked.retrieveAPIKey(created.response.apiKey.id))).statusCode, 401);
      const other2 = await attempt(locked.setTenantId(other.id).retrieveTenants());
      assert.equal(other2.statusCode, 401, 'a locked key cannot name another tenant in the header');
      assert.equal((await attempt(t.client().retrieveTenant(other.id))).response.tenant.httpSessionMaxInactiveInterval, 3600);
    });

    test('X-FusionAuth-TenantId narrows a request to one tenant', async () => {
      const a = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Scoped A ${crypto.randomUUID()}` } }))).response.tenant;
      const b = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Scoped B ${crypto.randomUUID()}` } }))).response.tenant;
      const scoped = t.client().setTenantId(a.id);
      const list = await attempt(scoped.retrieveTenants());
      assert.deepEqual(list.response.tenants.map((x: any) => x.id), [a.id]);
      assert.equal((await attempt(scoped.retrieveTenant(b.id))).statusCode, 404);
      const unknown = await attempt(t.client().setTenantId(crypto.randomUUID()).retrieveTenants());
      assert.equal(unknown.statusCode, 400);
      const garbage = await t.fetch('/api/tenant', { headers: { 'x-fusionauth-tenantid': 'not-a-uuid' } });
      assert.equal(garbage.status, 400);
    });

    test('20 concurrent creates of one name give exactly one 200', async () => {
      const name = `Race ${crypto.randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }))));
      const statuses = results.map((r) => r.statusCode);
      assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(statuses));
      assert.equal(statuses.filter((s) => s === 400).length, 19);
      const stored = (await attempt(t.client().retrieveTenants())).response.tenants.filter((x: any) => x.name === name);
      assert.equal(stored.length, 1);
    });

    test('tenants persist across a restart, and the restart creates nothing new', async () => {
      const created = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Durable ${crypto.randomUUID()}` } }))).response.tenant;
      const before = (await attempt(t.client().retrieveTenants())).response.tenants;
      await t.restart();
      assert.equal(t.server.bootstrap.created, false);
      const after = (await attempt(t.client().retrieveTenants())).response.tenants;
      assert.deepEqual(after, before);
      assert.deepEqual((await attempt(t.client().retrieveTenant(created.id))).response.tenant, created);
    });
  });
}
