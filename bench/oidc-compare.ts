/**
 * Tessera tenant vs bare oidc-provider 9, side by side in this process: client credentials
 * (ES256 and RS256 JWT access tokens), JWKS, refresh (Reusable refresh tokens), and
 * introspection of an opaque access token and of a refresh token. Each scenario is measured in
 * alternating rounds (Tessera, bare, Tessera, …) with the same load generator (autocannon in a
 * child process, ./load-child.ts), and each answer checked before and after its rounds.
 *
 * The figure that counts is this process's CPU time per request: both servers live here, only
 * one is under load at a time, and the load generator's CPU is another process's. Wall-clock
 * requests/s are reported too, but on a shared machine they follow the neighbours' load.
 */
import crypto from 'node:crypto';
import type { JWK } from 'jose';
import { defaultTenantSettings, type Tenant } from '../src/core/tenants/settings.js';
import type { RunningServer } from '../src/server.js';
import { type BareClient, type BareProvider, startBareProvider } from './oidc-bare.js';
import { type UserTokens, mintUserTokens } from './oidc-tokens.js';
import { call, loadCycleFromChildProcess, log } from './harness.js';

export interface CompareSettings {
  seconds: number;
  rounds: number;
  connections: number;
  /** Scenario keys to run (`cc-ES256`, `jwks`, …); empty: every one. */
  only?: string[];
}

/** One side's medians over the rounds, and every round's CPU per request. */
export interface SideResult {
  rps: number;
  cpuUsPerRequest: number;
  rounds: number[];
  requests: number;
}

export interface CompareRow {
  key: string;
  label: string;
  tessera: SideResult;
  bare: SideResult;
  /** bare ÷ Tessera CPU per request in each round (same round index). */
  roundRatios: number[];
}

interface Side {
  name: string;
  baseUrl: string;
  /** The issuer's path prefix: `/{slug}` for a tenant, '' for the bare provider. */
  prefix: string;
  auth: string;
  tokens: UserTokens;
}

interface Scenario {
  key: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body: (side: Side) => string;
  /** Throws unless the answer is what the scenario claims to measure. */
  check: (status: number, body: any) => void;
}

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://rp.example/callback';
const SCOPES = ['openid', 'offline_access', 'email', 'profile', 'api:read'];
const USER_SCOPES = ['openid', 'offline_access', 'email', 'profile'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function jwtAlg(token: unknown): string | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg?: string }).alg;
  } catch {
    return undefined;
  }
}

function clientCredentials(alg: string): Scenario {
  return {
    key: `cc-${alg}`,
    label: `client credentials, JWT access token ${alg}`,
    method: 'POST',
    path: '/token',
    body: () => 'grant_type=client_credentials&scope=api%3Aread',
    check: (status, body) => {
      if (status !== 200 || jwtAlg(body?.access_token) !== alg || body?.scope !== 'api:read') throw new Error(`expected a ${alg} JWT access token for api:read, got ${status} ${JSON.stringify(body)}`);
    },
  };
}

const JWKS: Scenario = {
  key: 'jwks',
  label: 'JWKS',
  method: 'GET',
  path: '/jwks',
  body: () => '',
  check: (status, body) => {
    if (status !== 200 || !Array.isArray(body?.keys) || body.keys.length === 0 || body.keys.some((k: Record<string, unknown>) => 'd' in k)) throw new Error(`expected a public JWKS, got ${status}`);
  },
};

const REFRESH: Scenario = {
  key: 'refresh',
  label: 'refresh (Reusable refresh token → opaque access token + RS256 ID token)',
  method: 'POST',
  path: '/token',
  body: (side) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(side.tokens.refreshToken)}`,
  check: (status, body) => {
    if (status !== 200 || typeof body?.access_token !== 'string' || jwtAlg(body?.id_token) !== 'RS256') throw new Error(`expected an access token and an RS256 ID token, got ${status} ${JSON.stringify(body)}`);
    if (body.refresh_token !== undefined && typeof body.refresh_token !== 'string') throw new Error('odd refresh_token');
  },
};

function introspection(kind: 'access' | 'refresh'): Scenario {
  return {
    key: `introspect-${kind}`,
    label: kind === 'access' ? 'introspection of an opaque access token' : 'introspection of a refresh token',
    method: 'POST',
    path: '/token/introspection',
    body: (side) => `token=${encodeURIComponent(kind === 'access' ? side.tokens.accessToken : side.tokens.refreshToken)}&token_type_hint=${kind}_token`,
    check: (status, body) => {
      // The engine names an access token's type (Bearer), not a refresh token's.
      const typed = kind === 'access' ? body?.token_type === 'Bearer' : String(body?.scope).split(' ').includes('offline_access');
      if (status !== 200 || body?.active !== true || !typed) throw new Error(`expected an active ${kind} token, got ${status} ${JSON.stringify(body)}`);
    },
  };
}

async function probe(side: Side, scenario: Scenario): Promise<void> {
  const response = await fetch(new URL(side.prefix + scenario.path, side.baseUrl), {
    method: scenario.method,
    headers: scenario.method === 'POST' ? { authorization: side.auth, 'content-type': FORM } : {},
    ...(scenario.method === 'POST' ? { body: scenario.body(side) } : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  try {
    scenario.check(response.status, body);
  } catch (error) {
    throw new Error(`${side.name}, ${scenario.label}: ${(error as Error).message}`);
  }
}

async function measure(side: Side, scenario: Scenario, settings: CompareSettings, seconds = settings.seconds): Promise<{ rps: number; cpu: number; requests: number }> {
  const before = process.cpuUsage();
  const result = await loadCycleFromChildProcess({
    baseUrl: side.baseUrl,
    method: scenario.method,
    body: scenario.body(side),
    targets: [{ path: side.prefix + scenario.path, headers: scenario.method === 'POST' ? { authorization: side.auth, 'content-type': FORM } : {} }],
    connections: settings.connections,
    duration: seconds,
    timeout: 10,
  });
  const cpu = process.cpuUsage(before);
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed) throw new Error(`${side.name}, ${scenario.label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  const requests = result.requests.total;
  return { rps: result.requests.average, cpu: requests ? (cpu.user + cpu.system) / requests : 0, requests };
}

async function compare(tessera: Side, bare: Side, scenario: Scenario, settings: CompareSettings): Promise<CompareRow> {
  await probe(tessera, scenario);
  await probe(bare, scenario);
  // Unrecorded warm-up of each: the JIT, the tenant's provider, the engine's caches.
  await measure(tessera, scenario, settings, 2);
  await measure(bare, scenario, settings, 2);
  const t: Array<{ rps: number; cpu: number; requests: number }> = [];
  const b: typeof t = [];
  for (let round = 0; round < settings.rounds; round++) {
    log(`oidc: ${scenario.label}, round ${round + 1}/${settings.rounds}`);
    // Alternate which side goes first, so neither always follows the other's garbage.
    if (round % 2 === 0) {
      t.push(await measure(tessera, scenario, settings));
      b.push(await measure(bare, scenario, settings));
    } else {
      b.push(await measure(bare, scenario, settings));
      t.push(await measure(tessera, scenario, settings));
    }
  }
  // The answers are still what they were (a Reusable refresh token still works, tokens are still active).
  await probe(tessera, scenario);
  await probe(bare, scenario);
  const side = (samples: typeof t): SideResult => ({
    rps: median(samples.map((s) => s.rps)),
    cpuUsPerRequest: median(samples.map((s) => s.cpu)),
    rounds: samples.map((s) => s.cpu),
    requests: samples.reduce((n, s) => n + s.requests, 0),
  });
  return { key: scenario.key, label: scenario.label, tessera: side(t), bare: side(b), roundRatios: t.map((s, i) => b[i]!.cpu / s.cpu) };
}

/** A Tessera tenant made in-process (its own four signing keys), with one client and one user. */
async function tesseraSide(server: RunningServer, apiKey: string, alg: 'ES256' | 'RS256', client: BareClient): Promise<{ side: Side; tenant: Tenant; accountId: string }> {
  let tenant = await server.tenants.create({}, { name: `Bench OIDC ${alg} ${crypto.randomUUID().slice(0, 6)}`, createdBy: 'operator', settings: defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }) });
  if (alg === 'RS256') {
    // Access tokens signed with the tenant's RS256 (id-token) key.
    tenant = await server.tenants.update({}, tenant.id, (current) => ({ name: current.name, settings: { ...current.settings, tokens: { ...current.settings.tokens, accessTokenKeyId: current.settings.tokens.idTokenKeyId } } }));
  }
  if (tenant.settings.tokens.refreshTokenUsage !== 'Reusable') throw new Error('the bench expects Reusable refresh tokens (the default)');
  await server.clients.create(tenant, { clientId: client.clientId, name: 'Bench', redirectUris: [client.redirectUri], allowedScopes: client.scopes, clientType: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', signingAlg: 'RS256', secret: client.secret });
  const user = await call(server.url, apiKey, 'POST', `/tenants/${tenant.slug}/users`, { username: 'ada', email: 'ada@example.com', password: 'Analytical-Engine-1843', is_verified: true });
  if (user.status !== 201) throw new Error(`creating the bench user answered ${user.status}: ${JSON.stringify(user.json)}`);
  const accountId: string = user.json.user_id;
  const { provider } = await server.oidc.get(tenant);
  const tokens = await mintUserTokens(provider, { clientId: client.clientId, accountId, scopes: USER_SCOPES });
  return { side: { name: `Tessera tenant (${alg})`, baseUrl: server.url, prefix: `/${tenant.slug}`, auth: basic(client), tokens }, tenant, accountId };
}

const basic = (client: BareClient) => `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;

export interface CompareReport {
  rows: CompareRow[];
  /** Keys per JWKS, for the notes. */
  jwksKeys: number;
}

/** Runs every side-by-side scenario against `server` (already started, SQLite). */
export async function compareWithBare(server: RunningServer, apiKey: string, settings: CompareSettings): Promise<CompareReport> {
  const rows: CompareRow[] = [];
  let jwksKeys = 0;
  for (const alg of ['ES256', 'RS256'] as const) {
    const client: BareClient = { clientId: 'app', secret: crypto.randomBytes(32).toString('base64url'), redirectUri: REDIRECT, scopes: SCOPES };
    const { side: tessera, tenant, accountId } = await tesseraSide(server, apiKey, alg, client);
    // The bare provider gets the tenant's own signing JWKs: the same keys sign and are published.
    const jwks = (await server.keystore.signingJwks(tenant)) as { keys: JWK[] };
    jwksKeys = jwks.keys.length;
    let bare: BareProvider | undefined;
    try {
      bare = await startBareProvider({
        jwks,
        accessTokenAlg: alg,
        tokens: tenant.settings.tokens,
        client,
        account: { accountId, claims: { email: 'ada@example.com', email_verified: true, preferred_username: 'ada', roles: [] } },
      });
      const tokens = await mintUserTokens(bare.provider, { clientId: client.clientId, accountId, scopes: USER_SCOPES });
      const bareSide: Side = { name: `bare oidc-provider (${alg})`, baseUrl: bare.issuer, prefix: '', auth: basic(client), tokens };
      // Refresh last: each refresh adds an access token, and the bare provider's in-memory store
      // keeps only the most recently used entries, so the introspected token would drop out of it.
      const scenarios = alg === 'ES256' ? [clientCredentials(alg), JWKS, introspection('access'), introspection('refresh'), REFRESH] : [clientCredentials(alg)];
      const chosen = settings.only?.length ? scenarios.filter((s) => settings.only!.includes(s.key)) : scenarios;
      for (const scenario of chosen) rows.push(await compare(tessera, bareSide, scenario, settings));
    } finally {
      await bare?.close();
    }
  }
  // Client credentials first, then the rest in the order measured.
  return { rows: [...rows.filter((r) => r.key.startsWith('cc-')), ...rows.filter((r) => !r.key.startsWith('cc-'))], jwksKeys };
}
