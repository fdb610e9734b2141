/**
 * The FusionAuth view is a mapping over the one tenant model, not a copy: a FusionAuth round
 * trip that does not touch a setting leaves it exactly as another dialect wrote it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultTenantSettings, type TenantSettings } from '../../src/core/tenants/settings.js';
import { applyFaTenant, faView } from '../../src/dialects/fusionauth/tenant-mapping.js';

function base(): TenantSettings {
  return defaultTenantSettings({ issuer: 'https://id.example/acme', accessTokenKeyId: 'k1', idTokenKeyId: 'k2' });
}

describe('FusionAuth tenant mapping', () => {
  test('an untouched round trip is the identity', () => {
    const settings = base();
    assert.deepEqual(applyFaTenant(faView(settings), settings), settings);
  });

  test('settings only PlusAuth or Vault can express survive a FusionAuth round trip', () => {
    const settings = base();
    settings.passwordPolicy.minUpperCase = 2; // PlusAuth upper_case
    settings.passwordPolicy.minLowerCase = 3;
    settings.passwordPolicy.minDigits = 4;
    settings.passwordPolicy.customChars = '!@#';
    settings.tokens.idTokenTtlSeconds = 7200; // PlusAuth ttl.id_token differs from the access token
    settings.tokens.refreshTokenTtlSeconds = 301; // not a whole number of minutes
    settings.userLockout.initialBlockSeconds = 60; // Vault: 60 s doubling up to 2 days
    settings.userLockout.maxBlockSeconds = 172800;
    settings.ipBruteForce.whiteList = ['10.0.0.0/8'];
    settings.loginMethods.loginOrder = ['PATTERN', 'PIN'];
    settings.subscription.plan = 'pro';
    const view = faView(settings);
    assert.equal(view.passwordValidationRules.requireMixedCase, true);
    assert.equal(view.passwordValidationRules.requireNumber, true);
    assert.equal(view.jwtConfiguration.refreshTokenTimeToLiveInMinutes, 6);
    assert.deepEqual(applyFaTenant(view, settings), settings);
  });

  test('changing a FusionAuth field that stands for several core fields writes all of them', () => {
    const settings = base();
    settings.passwordPolicy.minUpperCase = 2;
    settings.passwordPolicy.minLowerCase = 3;
    settings.userLockout.initialBlockSeconds = 60;
    settings.userLockout.maxBlockSeconds = 172800;
    const view = faView(settings);
    view.passwordValidationRules.requireMixedCase = false;
    view.failedAuthenticationConfiguration.actionDuration = 2;
    view.failedAuthenticationConfiguration.actionDurationUnit = 'DAYS';
    view.jwtConfiguration.timeToLiveInSeconds = 900;
    const next = applyFaTenant(view, settings);
    assert.equal(next.passwordPolicy.minUpperCase, 0);
    assert.equal(next.passwordPolicy.minLowerCase, 0);
    assert.equal(next.userLockout.initialBlockSeconds, 172800);
    assert.equal(next.userLockout.maxBlockSeconds, 172800, 'a FusionAuth block is fixed: first = longest');
    assert.equal(next.userLockout.displayUnit, 'DAYS');
    assert.equal(next.tokens.accessTokenTtlSeconds, 900);
    assert.equal(next.tokens.idTokenTtlSeconds, 900, 'FusionAuth has one JWT lifetime for both tokens');
    view.passwordValidationRules.requireMixedCase = true;
    const again = applyFaTenant(view, next);
    assert.equal(again.passwordPolicy.minUpperCase, 1);
    assert.equal(again.passwordPolicy.minLowerCase, 1);
  });

  test('durations show in the stored unit when it divides evenly, else in minutes', () => {
    const settings = base();
    settings.userLockout.initialBlockSeconds = 7200;
    settings.userLockout.displayUnit = 'HOURS';
    assert.deepEqual(
      { d: faView(settings).failedAuthenticationConfiguration.actionDuration, u: faView(settings).failedAuthenticationConfiguration.actionDurationUnit },
      { d: 2, u: 'HOURS' },
    );
    settings.userLockout.initialBlockSeconds = 90;
    assert.deepEqual(
      { d: faView(settings).failedAuthenticationConfiguration.actionDuration, u: faView(settings).failedAuthenticationConfiguration.actionDurationUnit },
      { d: 2, u: 'MINUTES' },
    );
  });
});
