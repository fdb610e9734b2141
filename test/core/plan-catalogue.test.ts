/**
 * The shipped plan catalogue (plans/catalogue.json): every plan, every member with its seed 002
 * type, on-premise without limits, and each plan at least what the one below it allows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { PLAN_MEMBERS, PLAN_NAMES, type PlanMember, UNLIMITED, includes } from '../../src/core/plans/catalogue.js';

const { plans } = loadConfig({});
const COUNTS = ['max_users', 'max_clients', 'max_tenants', 'max_resources', 'log_retention'] as const;

describe('the shipped plan catalogue', () => {
  test('defines the five plans, each with every member', () => {
    assert.deepEqual(Object.keys(plans), [...PLAN_NAMES]);
    for (const plan of PLAN_NAMES) assert.deepEqual(Object.keys(plans[plan]).sort(), Object.keys(PLAN_MEMBERS).sort(), plan);
  });

  test('on-premise has no limit and every feature', () => {
    const onPremise = plans['on-premise'];
    for (const member of Object.keys(PLAN_MEMBERS) as PlanMember[]) {
      const value = onPremise[member];
      assert.ok(value === UNLIMITED || value === true, `${member}: ${JSON.stringify(value)}`);
    }
  });

  test('each plan allows at least what the plan below it does', () => {
    const atLeast = (higher: number, lower: number) => higher === UNLIMITED || (lower !== UNLIMITED && higher >= lower);
    for (let i = 1; i < PLAN_NAMES.length; i++) {
      const [lower, higher] = [plans[PLAN_NAMES[i - 1]!], plans[PLAN_NAMES[i]!]];
      for (const member of COUNTS) assert.ok(atLeast(higher[member], lower[member]), `${PLAN_NAMES[i]}.${member}`);
      for (const member of Object.keys(PLAN_MEMBERS) as PlanMember[]) {
        if (PLAN_MEMBERS[member] !== 'integer' && includes(lower, member)) assert.ok(includes(higher, member), `${PLAN_NAMES[i]} keeps ${member}`);
      }
    }
  });

  test('free is the smallest: the guarded features are off, the counts small', () => {
    const free = plans.free;
    for (const member of ['custom_password_policy', 'custom_token_ttl', 'ciba', 'mfa', 'mfa.webauthn', 'mfa.fv', 'password_history'] as const) assert.equal(includes(free, member), false, member);
    assert.deepEqual([free.max_users, free.max_clients, free.max_tenants], [1000, 3, 1]);
  });

  test('the catalogue is read-only once loaded', () => {
    assert.throws(() => {
      (plans.free as { max_users: number }).max_users = 5;
    }, TypeError);
  });
});
