/** Every password rule of the one policy, as FusionAuth and PlusAuth configure it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPasswordRules, passwordExpired, tooSoonToChange } from '../../src/core/passwords/policy.js';
import { defaultTenantSettings, type TenantSettings } from '../../src/core/tenants/settings.js';
import { applyPlusAuthHashFunction, plusAuthHashFunction } from '../../src/dialects/plusauth/hash-function.js';
import { applyPlusAuthPolicies, plusAuthPolicies } from '../../src/dialects/plusauth/policies.js';

const policy = (change: Partial<TenantSettings['passwordPolicy']> = {}) => ({ ...defaultTenantSettings({ issuer: 'i', accessTokenKeyId: 'a', idTokenKeyId: 'b' }).passwordPolicy, ...change });
const rules = (password: string, change: Partial<TenantSettings['passwordPolicy']> = {}) => checkPasswordRules(password, policy(change)).map((v) => v.rule);

describe('password rules', () => {
  test('lengths count characters, not UTF-16 units', () => {
    assert.deepEqual(rules('1234567'), ['minLength']);
    assert.deepEqual(rules('12345678'), []);
    assert.deepEqual(rules('x'.repeat(11), { maxLength: 10 }), ['maxLength']);
    assert.deepEqual(rules('😀😀😀😀😀😀😀😀'), [], 'eight emoji are eight characters');
  });

  test('upper, lower and digit counts (PlusAuth) and mixed case / number (FusionAuth)', () => {
    assert.deepEqual(rules('alllowercase', { minUpperCase: 1 }), ['upperCase']);
    assert.deepEqual(rules('ALLUPPERCASE', { minLowerCase: 1 }), ['lowerCase']);
    assert.deepEqual(rules('Ab-only-one-Upper', { minUpperCase: 3 }), ['upperCase']);
    assert.deepEqual(rules('ÄÖÜäöü12', { minUpperCase: 3, minLowerCase: 3 }), [], 'letters beyond ASCII count');
    assert.deepEqual(rules('nodigitshere', { minDigits: 1 }), ['number']);
    assert.deepEqual(rules('two2digits3', { minDigits: 2 }), []);
  });

  test('non-alphanumeric and custom characters', () => {
    assert.deepEqual(rules('lettersAnd123', { requireNonAlpha: true }), ['nonAlpha']);
    assert.deepEqual(rules('letters and space', { requireNonAlpha: true }), []);
    assert.deepEqual(rules('has-a-dash', { customChars: '!@#' }), ['customChars']);
    assert.deepEqual(rules('has-a-bang!', { customChars: '!@#' }), []);
  });

  test('breach detection refuses common passwords, in any case', () => {
    assert.deepEqual(rules('password1', { breachDetection: { ...policy().breachDetection, enabled: true } }), ['breached']);
    assert.deepEqual(rules('PassWord1', { breachDetection: { ...policy().breachDetection, enabled: true } }), ['breached']);
    assert.deepEqual(rules('password1'), [], 'off unless enabled');
    assert.deepEqual(rules('tessera-unlikely-zq9', { breachDetection: { ...policy().breachDetection, enabled: true } }), []);
  });

  test('several broken rules are all named', () => {
    assert.deepEqual(rules('abc', { minUpperCase: 1, minDigits: 1, requireNonAlpha: true }), ['minLength', 'upperCase', 'number', 'nonAlpha']);
  });

  test('minimum and maximum age', () => {
    const now = Date.now();
    assert.equal(tooSoonToChange(policy({ minimumAge: { enabled: true, seconds: 30 } }), now - 10_000, now)?.rule, 'minimumAge');
    assert.equal(tooSoonToChange(policy({ minimumAge: { enabled: true, seconds: 30 } }), now - 31_000, now), undefined);
    assert.equal(tooSoonToChange(policy(), now - 1, now), undefined, 'off unless enabled');
    assert.equal(passwordExpired(policy({ maximumAge: { enabled: true, days: 1 } }), now - 2 * 86400_000, now), true);
    assert.equal(passwordExpired(policy({ maximumAge: { enabled: true, days: 1 } }), now - 3600_000, now), false);
  });
});

describe('PlusAuth policy and hash_function mapping', () => {
  test('policies.password round trips through the core policy', () => {
    const base = defaultTenantSettings({ issuer: 'i', accessTokenKeyId: 'a', idTokenKeyId: 'b' });
    const next = applyPlusAuthPolicies(base, { password: { min: 12, max: 64, upper_case: 2, lower_case: 1, number: 3, custom_chars: '!?', history: 4 } });
    assert.deepEqual(plusAuthPolicies(next).password, { min: 12, max: 64, upper_case: 2, lower_case: 1, number: 3, custom_chars: '!?', history: 4 });
    assert.deepEqual(next.passwordPolicy.history, { enabled: true, count: 4 });
  });

  test('hash_function chooses the scheme for new passwords', () => {
    const base = defaultTenantSettings({ issuer: 'i', accessTokenKeyId: 'a', idTokenKeyId: 'b' });
    assert.equal(plusAuthHashFunction(base), 'pbkdf2');
    const argon = applyPlusAuthHashFunction(base, 'argon2');
    assert.deepEqual(argon.passwordHashing, { scheme: 'argon2id', factor: 2, rehashOnLogin: false });
    assert.equal(plusAuthHashFunction(applyPlusAuthHashFunction(base, 'bcrypt')), 'bcrypt');
  });
});
