/**
 * A refusal by the tenant's plan in every dialect's shape (the HTTP tests see FusionAuth's and
 * the Vault's; PlusAuth's and OAuth's renderers have no plan-limited route yet): the limit and
 * the plan named, the refused setting as the field where there is one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlanLimitExceeded } from '../../src/core/errors.js';
import { renderBareFailure } from '../../src/http/error-scope.js';
import { classify } from '../../src/http/failure.js';
import { renderFaFailure } from '../../src/dialects/fusionauth/errors.js';
import { renderOAuthFailure } from '../../src/dialects/oauth/errors.js';
import { renderPlusAuthFailure } from '../../src/dialects/plusauth/errors.js';
import { renderVaultFailure } from '../../src/dialects/vault/errors.js';

const countLimit = classify(new PlanLimitExceeded([{ limit: 'max_users', plan: 'free', message: 'The free plan allows at most 3 users in a tenant (max_users).' }]));
const flags = classify(
  new PlanLimitExceeded([
    { limit: 'custom_token_ttl', plan: 'free', field: 'tokens.cibaRequestTtlSeconds', message: 'The free plan does not include custom_token_ttl: A.' },
    { limit: 'ciba', plan: 'free', field: 'tokens.cibaRequestTtlSeconds', message: 'The free plan does not include ciba: B.' },
  ]),
);

describe('plan refusals', () => {
  test('FusionAuth: 400, the setting as a field error, a count as a general error', () => {
    assert.deepEqual(renderFaFailure(countLimit), { status: 400, body: { generalErrors: [{ code: '[planLimit]max_users', message: 'The free plan allows at most 3 users in a tenant (max_users).' }] } });
    const rendered = renderFaFailure(flags);
    assert.equal(rendered.status, 400);
    assert.deepEqual(rendered.body, {
      fieldErrors: {
        'tokens.cibaRequestTtlSeconds': [
          { code: '[planLimit]tokens.cibaRequestTtlSeconds', message: 'The free plan does not include custom_token_ttl: A.' },
          { code: '[planLimit]tokens.cibaRequestTtlSeconds', message: 'The free plan does not include ciba: B.' },
        ],
      },
    });
  });

  test('Vault: 403 with the messages as its detail', () => {
    assert.deepEqual(renderVaultFailure(countLimit), { status: 403, body: { detail: 'The free plan allows at most 3 users in a tenant (max_users).' } });
    assert.deepEqual(renderVaultFailure(flags).body, { detail: 'The free plan does not include custom_token_ttl: A. The free plan does not include ciba: B.' });
  });

  test('PlusAuth: 403 plan_limit_exceeded, one detail per refusal', () => {
    const rendered = renderPlusAuthFailure(flags);
    assert.equal(rendered.status, 403);
    assert.deepEqual(rendered.body, {
      error: 'plan_limit_exceeded',
      error_description: 'The free plan does not include custom_token_ttl: A. The free plan does not include ciba: B.',
      details: [
        { field: 'tokens.cibaRequestTtlSeconds', code: 'custom_token_ttl', message: 'The free plan does not include custom_token_ttl: A.' },
        { field: 'tokens.cibaRequestTtlSeconds', code: 'ciba', message: 'The free plan does not include ciba: B.' },
      ],
    });
    assert.deepEqual((renderPlusAuthFailure(countLimit).body as { details: unknown }).details, [{ field: 'max_users', code: 'max_users', message: 'The free plan allows at most 3 users in a tenant (max_users).' }]);
  });

  test('OAuth: 403 access_denied; outside any dialect: 403', () => {
    const rendered = renderOAuthFailure(countLimit);
    assert.equal(rendered.status, 403);
    assert.deepEqual(rendered.body, { error: 'access_denied', error_description: 'The free plan allows at most 3 users in a tenant (max_users).' });
    assert.deepEqual(renderBareFailure(countLimit), { status: 403 });
  });
});
