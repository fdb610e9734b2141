/**
 * The renderers that have no routes yet (OAuth, PlusAuth) and the scope mechanism itself, on a
 * bare Fastify instance: what a client of each dialect would receive for each kind of failure.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { NotFound, NotPermitted, DependencyUnavailable, ValidationFailed, problem } from '../../src/core/errors.js';
import { validatorCompiler } from '../../src/http/ajv.js';
import { renderErrorsWith } from '../../src/http/error-scope.js';
import { type Failure, Unauthenticated, classify } from '../../src/http/failure.js';
import { registerJsonBodyParser } from '../../src/http/json-body.js';
import { oauthError, renderOAuthFailure } from '../../src/dialects/oauth/errors.js';
import { renderPlusAuthFailure } from '../../src/dialects/plusauth/errors.js';
import { renderFaFailure } from '../../src/dialects/fusionauth/errors.js';
import { renderVaultFailure } from '../../src/dialects/vault/errors.js';

describe('OAuth error responses (RFC 6749 §5.2, RFC 6750 §3.1)', () => {
  const cases: Array<[string, Failure, number, string]> = [
    ['invalid_grant thrown by a route', classify(oauthError('invalid_grant', 'The code was used already.')), 400, 'invalid_grant'],
    ['unsupported_grant_type', classify(oauthError('unsupported_grant_type', 'No such grant.')), 400, 'unsupported_grant_type'],
    ['invalid_scope', classify(oauthError('invalid_scope', 'No such scope.')), 400, 'invalid_scope'],
    ['unauthorized_client', classify(oauthError('unauthorized_client', 'Not for this client.')), 400, 'unauthorized_client'],
    ['invalid_client', classify(oauthError('invalid_client', 'Unknown client.')), 401, 'invalid_client'],
    ['invalid_token (a bearer resource)', classify(oauthError('invalid_token', 'Expired.')), 401, 'invalid_token'],
    ['insufficient_scope', classify(oauthError('insufficient_scope', 'Needs openid.')), 403, 'insufficient_scope'],
    ['missing client credentials', classify(new Unauthenticated()), 401, 'invalid_client'],
    ['a refused field', classify(new ValidationFailed([problem('redirect_uri', 'invalid', 'Not registered.')])), 400, 'invalid_request'],
    ['malformed JSON', { type: 'unreadableBody', status: 400, problem: 'malformed', message: 'Not JSON.' }, 400, 'invalid_request'],
    ['an unsupported content type keeps 415', { type: 'unreadableBody', status: 415, problem: 'unsupportedType', message: 'No.' }, 415, 'invalid_request'],
    ['an SMTP outage', classify(new DependencyUnavailable('SMTP down')), 503, 'temporarily_unavailable'],
    ['a bug', classify(new TypeError('x is undefined')), 500, 'server_error'],
  ];
  for (const [label, failure, status, code] of cases) {
    test(`${label} → ${status} ${code}`, () => {
      const rendered = renderOAuthFailure(failure);
      assert.equal(rendered.status, status);
      const body = rendered.body as { error: string; error_description: string };
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
      assert.equal(body.error, code);
      assert.ok(body.error_description.length > 0);
      assert.equal(rendered.headers?.['cache-control'], 'no-store');
    });
  }

  test('401s carry the challenge the client must answer; a bug does not leak its message', () => {
    assert.match(renderOAuthFailure(classify(new Unauthenticated())).headers?.['www-authenticate'] ?? '', /^Basic /);
    assert.match(renderOAuthFailure(classify(oauthError('invalid_token', 'Expired.'))).headers?.['www-authenticate'] ?? '', /^Bearer error="invalid_token"/);
    const bug = renderOAuthFailure(classify(new TypeError('secret internals at /srv/app.js:12')));
    assert.ok(!JSON.stringify(bug.body).includes('secret internals'));
  });
});

describe('PlusAuth error responses', () => {
  test('a refused field lists the field; statuses follow the failure', () => {
    const invalid = renderPlusAuthFailure(classify(new ValidationFailed([problem('password_policy.min', 'tooShort', 'Too small.')])));
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, {
      error: 'invalid_request',
      error_description: 'Some fields are invalid.',
      details: [{ field: 'password_policy.min', code: 'tooShort', message: 'Too small.' }],
    });
    assert.equal(renderPlusAuthFailure(classify(new NotFound('tenant'))).status, 404);
    assert.equal(renderPlusAuthFailure(classify(new NotPermitted())).status, 403);
    assert.equal(renderPlusAuthFailure(classify(new Unauthenticated())).status, 401);
    assert.deepEqual(renderPlusAuthFailure({ type: 'noRoute', method: 'GET', url: '/x?y' }).body, { error: 'not_found', error_description: 'No endpoint answers GET /x.' });
  });
});

/** A bare app with one scope rendered by `render`, a route that throws `error`, and a validated route. */
async function scopeWith(render: typeof renderFaFailure, error: () => unknown, logged: string[]) {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'error', stream }, bodyLimit: 64 });
  app.setValidatorCompiler(validatorCompiler);
  registerJsonBodyParser(app);
  await app.register(
    async (scope) => {
      renderErrorsWith(scope, render);
      scope.get('/boom', async () => {
        throw error();
      });
      scope.post('/named', { config: { errorFields: (f) => `renamed.${f}` } }, async () => {
        throw new ValidationFailed([problem('externalId', 'invalid', 'No.')]);
      });
      scope.post('/typed/:id', { schema: { body: Type.Object({ n: Type.Integer() }), params: Type.Object({ id: Type.String({ maxLength: 3 }) }) } }, async () => ({}));
    },
    { prefix: '/d' },
  );
  return app;
}

describe('a dialect scope renders every failure in its routes', () => {
  test('an unknown error is 500 in the dialect shape, logged, with no stack or message in the body', async () => {
    const logged: string[] = [];
    const app = await scopeWith(renderVaultFailure, () => new Error('db password is hunter2'), logged);
    const response = await app.inject({ method: 'GET', url: '/d/boom' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { detail: 'Internal Server Error' });
    assert.ok(!response.body.includes('hunter2') && !response.body.includes('at '), response.body);
    assert.equal(logged.length, 1, 'the error is logged once');
    assert.match(logged[0]!, /hunter2/, 'the log has what the body does not');
    assert.equal(JSON.parse(logged[0]!).level, 50, 'at level error');
    const fa = await scopeWith(renderFaFailure, () => new Error('hunter2'), []);
    const faResponse = await fa.inject({ method: 'GET', url: '/d/boom' });
    assert.equal(faResponse.statusCode, 500);
    assert.equal(faResponse.json().generalErrors[0].code, '[InternalError]');
  });

  test('route config renames core fields; schema failures say which part of the request', async () => {
    const app = await scopeWith(renderVaultFailure, () => undefined, []);
    const renamed = await app.inject({ method: 'POST', url: '/d/named', payload: {} });
    assert.deepEqual(renamed.json().detail[0].loc, ['body', 'renamed', 'externalId']);
    const body = await app.inject({ method: 'POST', url: '/d/typed/abc', payload: { n: 'x' } });
    assert.equal(body.statusCode, 422);
    assert.deepEqual(body.json().detail[0].loc, ['body', 'n']);
    const path = await app.inject({ method: 'POST', url: '/d/typed/abcd', payload: { n: 1 } });
    assert.deepEqual(path.json().detail[0].loc, ['path', 'id']);
    const tooLarge = await app.inject({ method: 'POST', url: '/d/typed/abc', payload: { n: 1, pad: 'x'.repeat(100) } });
    assert.equal(tooLarge.statusCode, 413);
    assert.equal(typeof tooLarge.json().detail, 'string');
    const unknown = await app.inject({ method: 'GET', url: '/d/nothing-here' });
    assert.deepEqual([unknown.statusCode, unknown.json()], [404, { detail: 'Not Found' }]);
  });
});
