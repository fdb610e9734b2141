/**
 * The PlusAuth and Vault mappings over the core tenant model, and the one function that decides
 * tenant access: a view written back unchanged changes nothing; each view's documented defaults
 * land on the stored fields docs/tenant-model.md names; who may read, change, list and create.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiKey } from '../../src/core/apikeys/api-key-service.js';
import { apiKeyPrincipal, mayAccessTenant, mayActForAccount } from '../../src/core/access/tenant-access.js';
import { checkTenantSettings } from '../../src/core/tenants/rules.js';
import { defaultTenantSettings } from '../../src/core/tenants/settings.js';
import { plusAuthTenantDefaults } from '../../src/dialects/plusauth/defaults.js';
import { applyPlusAuthSettings, plusAuthFieldFor, plusAuthSettings } from '../../src/dialects/plusauth/settings-mapping.js';
import { completeVaultTenant, vaultTenantDefaults } from '../../src/dialects/vault/tenant-defaults.js';
import { applyVaultTenant, nameFromDisplayName, toVaultTenant, vaultDisplayName } from '../../src/dialects/vault/tenant-mapping.js';

const faDefaults = () => defaultTenantSettings({ issuer: 'https://i.example/t', accessTokenKeyId: 'a', idTokenKeyId: 'b' });
const tenantOf = (settings = faDefaults(), extra: Record<string, unknown> = {}) =>
  ({ id: 't1', slug: 'acme', name: 'Acme', state: 'Active' as const, settings, insertInstant: 1, lastUpdateInstant: 1, createdBy: 'acct-a', ...extra });

describe('PlusAuth settings mapping', () => {
  test('the whole view written back changes nothing, whichever API set the values (a Vault growing block included)', () => {
    const growing = applyVaultTenant(faDefaults(), completeVaultTenant({ block_config: { initial_block_seconds: 60, max_block_time_minutes: 120 } }));
    for (const s of [faDefaults(), plusAuthTenantDefaults(), vaultTenantDefaults(), growing]) {
      assert.deepEqual(applyPlusAuthSettings(s, plusAuthSettings(s)), s);
    }
  });

  test("PlusAuth's defaults land on the stored fields, and pass the core's rules", () => {
    const s = { ...plusAuthTenantDefaults(), issuer: 'https://i.example/t', tokens: { ...plusAuthTenantDefaults().tokens, accessTokenKeyId: 'a', idTokenKeyId: 'b' } };
    assert.deepEqual(checkTenantSettings(s), []);
    assert.deepEqual([s.userLockout.maxAttempts, s.userLockout.windowSeconds, s.userLockout.initialBlockSeconds, s.userLockout.maxBlockSeconds], [10, 7776000, 630720000, 630720000]);
    assert.deepEqual([s.ipBruteForce.enabled, s.ipBruteForce.maxAttempts], [true, 10]);
    assert.deepEqual([s.passwordHashing.scheme, s.passwordPolicy.maxLength, plusAuthSettings(s).api_version], ['bcrypt', 128, '2021-07-04']);
  });

  test('every ttl member is its own stored lifetime', () => {
    const patch = { access_token: 31, authorization_code: 32, backchannel_authentication_request: 33, client_credentials: 34, device_code: 35, id_token: 36, refresh_token: 301, session: 601 };
    const t = applyPlusAuthSettings(faDefaults(), { ttl: patch }).tokens;
    assert.deepEqual(
      [t.accessTokenTtlSeconds, t.authorizationCodeTtlSeconds, t.cibaRequestTtlSeconds, t.clientCredentialsTtlSeconds, t.deviceCodeTtlSeconds, t.idTokenTtlSeconds, t.refreshTokenTtlSeconds, t.sessionTtlSeconds],
      [31, 32, 33, 34, 35, 36, 301, 601],
    );
    assert.equal(plusAuthFieldFor('tokens.cibaRequestTtlSeconds'), 'ttl.backchannel_authentication_request');
    assert.equal(plusAuthFieldFor('userLockout.maxBlockSeconds'), 'policies.account_blocking.block_duration');
  });
});

describe('Vault tenant mapping', () => {
  test('a Vault-made tenant read and written back is unchanged; the defaults are seed 004’s', () => {
    const s = vaultTenantDefaults();
    const view = toVaultTenant(tenantOf(s));
    const { tenant_id: _id, display_name: _name, ...fields } = view;
    assert.deepEqual(applyVaultTenant(s, fields), s);
    assert.deepEqual(view.block_config, { ip_attempts_limit: 5, ip_attempts_reset_minutes: 10080, user_attempts_limit: 15, user_timeframe_seconds: 300, initial_block_seconds: 60, max_block_time_minutes: 2880 });
  });

  test('display_name: the name, "" when the name is the tenant_id; an empty display_name names the tenant after it', () => {
    assert.equal(vaultDisplayName({ name: 'acme', slug: 'acme' }), '');
    assert.equal(vaultDisplayName({ name: 'Acme', slug: 'acme' }), 'Acme');
    assert.equal(nameFromDisplayName('', 'acme'), 'acme');
    assert.equal(nameFromDisplayName('  ', 'acme'), 'acme');
    assert.equal(nameFromDisplayName('Acme Inc', 'acme'), 'Acme Inc');
  });

  test('a partial liveness_config takes the documented member defaults; none stays none', () => {
    assert.equal(completeVaultTenant({}).liveness_config, null);
    assert.deepEqual(completeVaultTenant({ liveness_config: { number_steps_min: 2 } }).liveness_config, {
      number_steps_min: 2, number_steps_max: 6, duration_in_seconds: 10, number_of_allowed_failures: 1, gesture_set: [], number_blinks_max: 0, number_blinks_min: 10000,
    });
    assert.equal(completeVaultTenant({}, { is_2fa: true }).is_2fa, true, 'a replace keeps is_2fa when it is left out');
  });
});

describe('tenant access: one function decides', () => {
  const key = (over: Partial<ApiKey>): ApiKey => ({ id: 'k', tenantId: null, permissions: { endpoints: {} }, metaData: { attributes: {} }, keyManager: false, ownerId: 'operator', insertInstant: 0, lastUpdateInstant: 0, ...over });
  const tenant = { id: 't1', createdBy: 'acct-a' };
  const restricted = { endpoints: { '/tenants': ['GET'] } };

  test('read and update: a superuser key, a key locked to the tenant, a global key of the creating account', () => {
    const cases: Array<[string, ApiKey, boolean]> = [
      ['superuser', key({}), true],
      ['locked to it', key({ tenantId: 't1', ownerId: 'acct-z', permissions: restricted }), true],
      ['locked elsewhere', key({ tenantId: 't2' }), false],
      ['restricted, the creator', key({ ownerId: 'acct-a', permissions: restricted }), true],
      ['restricted, another account', key({ ownerId: 'acct-b', permissions: restricted }), false],
    ];
    for (const [label, k, allowed] of cases) {
      for (const action of ['read', 'update'] as const) assert.equal(mayAccessTenant(apiKeyPrincipal(k), action, tenant), allowed, `${label} ${action}`);
    }
  });

  test('an account’s tenants: listed by its keys and superuser keys; created by its global keys and superuser keys', () => {
    assert.equal(mayActForAccount(apiKeyPrincipal(key({})), 'list', 'acct-a'), true);
    assert.equal(mayActForAccount(apiKeyPrincipal(key({ ownerId: 'acct-a', permissions: restricted })), 'list', 'acct-a'), true);
    assert.equal(mayActForAccount(apiKeyPrincipal(key({ ownerId: 'acct-b', permissions: restricted })), 'list', 'acct-a'), false);
    assert.equal(mayActForAccount(apiKeyPrincipal(key({ ownerId: 'acct-a', tenantId: 't1' })), 'list', 'acct-a'), true);
    assert.equal(mayActForAccount(apiKeyPrincipal(key({ ownerId: 'acct-a', tenantId: 't1' })), 'create', 'acct-a'), false, 'a locked key creates no tenant');
    assert.equal(mayActForAccount(apiKeyPrincipal(key({})), 'create', 'acct-b'), true, 'a superuser key may act for any account');
  });
});
