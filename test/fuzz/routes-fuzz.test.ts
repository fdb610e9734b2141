/**
 * Property-based fuzz of every route the running application documents (its OpenAPI
 * document), on every back end. Inputs come from each route's own schemas — path segments,
 * query parameters (missing, once, repeated) and JSON bodies, mostly broken in one place —
 * and are sent over real HTTP one at a time. Each answer must be a 4xx in the dialect's error
 * shape (or a documented 2xx when the input happens to be valid), never a 5xx; a refused
 * request must leave the database as it was (fingerprint before and after); the server must be
 * up at the end.
 *
 * Fixed seed and bounded runs by default; `FUZZ_SEED=<n>` and `FUZZ_RUNS=<n>` choose others
 * (the seed is printed with every failure; the same seed and runs replay the same requests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { type Json, bodyFor, encodeText, pathSegment, queryPairs, queryString } from '../support/fuzz/generators.js';
import { type Answer, judge } from '../support/fuzz/judge.js';
import { differences, fingerprinter, type Fingerprinter } from '../support/fuzz/fingerprint.js';
import { type Route, routesOf } from '../support/fuzz/routes.js';

/**
 * Bodies the shared JSON parser refuses (unparseable text, NUL, nesting past 64) go to every
 * route with a body, and each dialect must answer them in its own shape.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed7e55) >>> 0;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);

/** Refusals that are meant to write: a failed login counts toward the lockout. */
const WRITES_WHEN_REFUSED: Record<string, number[]> = {
  'POST /api/login': [404, 409, 429],
};

const UNPARSEABLE: readonly string[] = [
  '', '{', '{"a":', '[1,]', '{"a":1,}', 'nul', "{'a':1}", '{"a":NaN}', '{"a":"\\u0000"}', '{"a":"x\\u0000y"}', `${'['.repeat(70)}${']'.repeat(70)}`,
  `{"a":${'{"b":'.repeat(80)}1${'}'.repeat(80)}}`, '"\\ud800"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}',
];

/**
 * A write that succeeded must leave what it wrote usable. After a tenant is created or changed,
 * a login of an unknown user (a verification against a dummy hash of the tenant's scheme and
 * factor) must still answer 404: settings the code cannot use (a bcrypt cost of 40) would
 * answer 500 from then on, on requests that are themselves valid.
 */
async function probeTenant(t: TestServer, c: FuzzCase, answer: Answer): Promise<string | undefined> {
  if (answer.status !== 200 || !['POST', 'PUT', 'PATCH'].includes(c.route.method) || !c.route.path.startsWith('/api/tenant')) return undefined;
  const id = (answer.body as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  if (!id) return undefined;
  const login = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': id }, body: { loginId: 'nobody-at-all@example.com', password: 'not-the-password' } });
  return login.status === 404 ? undefined : `after it, an unknown-user login on tenant ${id} answered ${login.status} ${login.text.slice(0, 200)}`;
}

interface FuzzCase {
  route: Route;
  url: string;
  headers: Record<string, string>;
  body?: Json;
  raw?: string;
  parserRefusal: boolean;
}

function describeCase(c: FuzzCase): string {
  const sent = c.raw !== undefined ? `raw ${JSON.stringify(c.raw.slice(0, 300))}` : c.body === undefined ? 'no body' : JSON.stringify(c.body)?.slice(0, 400);
  return `${c.route.method} ${c.url.slice(0, 300)} ${JSON.stringify(c.headers)} ${sent}`;
}

for (const backend of backends()) {
  describe(`route fuzz on ${backend.name} (seed ${SEED}, ${RUNS} runs)`, () => {
    let t: TestServer;
    let routes: Route[];
    let fingerprint: Fingerprinter;
    const known: Record<string, string[]> = {};

    before(async () => {
      t = await startTestServer(backend);
      routes = routesOf(t.server.app).filter((r) => r.path !== '/api/status');
      fingerprint = await fingerprinter(t.server.database.db);
      const list = await t.fetch('/api/tenant');
      const defaultTenant = list.body.tenants.find((x: { name: string }) => x.name === 'Default');
      const other = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: 'Fuzz other' } } });
      const key = await t.fetch('/api/key/generate', { method: 'POST', body: { key: { algorithm: 'ES256', name: 'Fuzz key' } } });
      const apiKey = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey: { metaData: { attributes: { purpose: 'fuzz' } } } } });
      const template = await t.fetch('/api/email/template', { method: 'POST', body: { emailTemplate: { name: 'Fuzz', defaultSubject: 'S', defaultTextTemplate: 'T', defaultHtmlTemplate: 'H' } } });
      const users = [];
      for (const name of ['fuzz.one', 'fuzz.two']) {
        const user = await t.fetch('/tenants/default/users', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: { username: name, email: `${name}@example.com`, password: 'fuzz-password-1' } });
        assert.equal(user.status, 201, user.text);
        users.push(user.body);
      }
      const client = await t.fetch('/clients', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: { client_id: 'fuzz-client', name: 'Fuzz client', tenant_id: 'default', redirect_uris: ['https://fuzz.example/cb'] } });
      for (const r of [other, key, apiKey, template, client]) assert.equal(r.status, 200, r.text);
      Object.assign(known, {
        tenantId: [defaultTenant.id, other.body.tenant.id],
        tenant_id: ['default', defaultTenant.id, new URL(other.body.tenant.issuer).pathname.slice(1)],
        keyId: [key.body.key.id],
        apiKeyId: [apiKey.body.apiKey.id],
        id: [template.body.emailTemplate.id],
        user_id: users.map((u) => u.user_id),
        username: users.map((u) => u.username),
        ip: ['127.0.0.1', '::1'],
        defaultTenantId: [defaultTenant.id],
        client_id: [client.body.client_id],
      });
    });

    after(async () => {
      await t?.stop();
    });

    const caseFor = (route: Route): fc.Arbitrary<FuzzCase> => {
      const segments = route.pathParams.map((p) => {
        // Deleting the Default tenant would leave the Vault routes nothing to reach.
        const values = route.method === 'DELETE' && p.name === 'tenantId' ? (known.tenantId ?? []).slice(1) : (known[p.name] ?? []);
        return pathSegment(p.schema, values).map((v) => [p.name, v] as const);
      });
      const parserBodies = true;
      const jsonBody = route.body ? bodyFor(route.body, { nul: parserBodies }) : fc.constant(undefined);
      const body: fc.Arbitrary<{ body?: Json; raw?: string; parserRefusal: boolean }> = parserBodies && ['POST', 'PUT', 'PATCH'].includes(route.method)
        ? fc.oneof(
            { weight: 6, arbitrary: jsonBody.map((b) => ({ body: b as Json, parserRefusal: JSON.stringify(b ?? null).includes('\\u0000') })) },
            { weight: 1, arbitrary: fc.constantFrom(...UNPARSEABLE).map((raw) => ({ raw, parserRefusal: true })) },
          )
        : jsonBody.map((b) => ({ body: b as Json, parserRefusal: false }));
      const headers = route.dialect === 'vault' || route.dialect === 'plusauth'
        ? fc.constant({ authorization: `Bearer ${t.apiKey}` })
        : fc
            .oneof(
              { weight: 3, arbitrary: fc.constant(undefined) },
              { weight: 3, arbitrary: fc.constant(known.defaultTenantId![0]!) },
              { weight: 1, arbitrary: fc.oneof(fc.uuid(), fc.constantFrom('not-a-uuid', 'x'.repeat(200), '')) },
            )
            .map((narrow) => ({ authorization: t.apiKey, ...(narrow !== undefined ? { 'x-fusionauth-tenantid': narrow } : {}) }));
      // Query parameters that name a tenant or a client (the Vault client routes) are sometimes ones that exist.
      const knownQuery = { tenant_id: known.tenant_id ?? [], client_id: known.client_id ?? [] };
      // A client body names its tenant: sometimes an existing one, so the core's rules are reached.
      const realTenant = route.body && /^\/clients(\/|$)/.test(route.path) ? fc.boolean() : fc.constant(false);
      return fc.tuple(fc.tuple(...segments), queryPairs(route.query, knownQuery), fc.tuple(body, realTenant), headers).map(([params, query, [b, swap], h]) => {
        let path = route.path;
        for (const [name, value] of params) path = path.replace(`{${name}}`, encodeText(value));
        const c: FuzzCase = { route, url: path + queryString(query), headers: h, parserRefusal: b.parserRefusal };
        if (b.raw !== undefined) c.raw = b.raw;
        else if (b.body !== undefined) c.body = swap && b.body && typeof b.body === 'object' && !Array.isArray(b.body) && 'tenant_id' in b.body ? { ...b.body, tenant_id: 'default' } : b.body;
        return c;
      });
    };

    test('every route answers malformed input with a 4xx in its dialect shape, stores nothing when it refuses, and stays up', async (tc) => {
      assert.ok(routes.length >= 30, `the OpenAPI document lists ${routes.length} routes`);
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      const arbitrary = fc.constantFrom(...routes).chain(caseFor);
      let index = 0;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (c) => {
          const n = index++;
          const before = await fingerprint.take();
          let answer: Answer;
          try {
            answer = await t.fetch(c.url, { method: c.route.method, headers: c.headers, ...(c.raw !== undefined ? { rawBody: c.raw } : c.body !== undefined ? { body: c.body } : {}) });
          } catch (error) {
            answer = { status: 0, text: '', body: undefined, error: String((error as Error)?.cause ?? error) };
          }
          await t.server.tenants.settle();
          if (process.env.FUZZ_TRACE) process.stderr.write(`#${n} ${answer.status} ${describeCase(c).slice(0, 200)} → ${answer.text.slice(0, 120)}\n`);
          const key = `${c.route.label} → ${answer.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          let why = judge(answer, { dialect: c.route.dialect, documentedSuccess: c.route.documentedSuccess });
          if (!why && answer.status >= 400 && !(WRITES_WHEN_REFUSED[c.route.label] ?? []).includes(answer.status)) {
            const changed = differences(before, await fingerprint.take());
            if (changed.length) why = `refused with ${answer.status} but the database changed: ${changed.join('; ')}`;
          }
          if (!why) why = await probeTenant(t, c, answer);
          if (why) failures.push(`#${n} ${why}\n    sent: ${describeCase(c)}\n    got:  ${answer.status} ${answer.text.slice(0, 300)}`);
          return true;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      const status = await t.fetch('/api/status', { headers: { authorization: '' } });
      if (status.status !== 200) failures.push(`afterwards GET /api/status answered ${status.status} ${status.text}`);
      tc.diagnostic(`${index} requests over ${routes.length} routes; ${[...statuses].length} route/status pairs`);
      if (process.env.FUZZ_VERBOSE) tc.diagnostic([...statuses].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
      assert.equal(
        failures.length,
        0,
        `${failures.length} of ${index} requests failed (seed ${SEED}, runs ${RUNS}; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}):\n${failures.slice(0, 30).join('\n')}${failures.length > 30 ? `\n… and ${failures.length - 30} more` : ''}`,
      );
    });
  });
}
