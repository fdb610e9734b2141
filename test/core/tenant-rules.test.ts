/** The core's tenant rules on password hashing: only schemes that can hash new passwords, each within its factor range. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NEW_PASSWORD_SCHEMES } from '../../src/crypto/passwords/index.js';
import { checkTenantSettings } from '../../src/core/tenants/rules.js';
import { defaultTenantSettings, type TenantSettings } from '../../src/core/tenants/settings.js';

function settingsWith(hashing: Partial<TenantSettings['passwordHashing']>): TenantSettings {
  const settings = defaultTenantSettings({ issuer: 'https://issuer.example/t', accessTokenKeyId: 'k', idTokenKeyId: 'k' });
  settings.passwordHashing = { ...settings.passwordHashing, ...hashing };
  return settings;
}

const fields = (settings: TenantSettings) => checkTenantSettings(settings).map((p) => p.field);

test('new passwords may use exactly the schemes that can hash', () => {
  assert.deepEqual([...NEW_PASSWORD_SCHEMES].sort(), ['argon2id', 'bcrypt', 'salted-pbkdf2-hmac-sha256']);
  for (const scheme of ['salted-md5', 'salted-sha256', 'salted-hmac-sha256', 'salted-pbkdf2-hmac-sha512'] as const) {
    assert.ok(fields(settingsWith({ scheme, factor: 1 })).includes('passwordHashing.scheme'), `${scheme} verifies imports only`);
  }
  assert.ok(!fields(settingsWith({ scheme: 'bcrypt', factor: 10 })).includes('passwordHashing.scheme'));
});

test('the factor is held to its scheme’s range, at the boundaries', () => {
  assert.ok(!fields(settingsWith({ scheme: 'bcrypt', factor: 4 })).includes('passwordHashing.factor'));
  assert.ok(!fields(settingsWith({ scheme: 'bcrypt', factor: 31 })).includes('passwordHashing.factor'));
  assert.ok(fields(settingsWith({ scheme: 'bcrypt', factor: 3 })).includes('passwordHashing.factor'));
  assert.ok(fields(settingsWith({ scheme: 'bcrypt', factor: 32 })).includes('passwordHashing.factor'));
});
