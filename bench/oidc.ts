/**
 * `npm run bench:oidc`: client-credentials tokens/s and JWKS/s of a Tessera tenant's OpenID
 * Provider against a bare oidc-provider 9 on the same machine — in memory, the same algorithm,
 * the same JWT access-token format, the same load generator (autocannon in a child process, so
 * its CPU is not this process's). Both servers run in this process and are measured in
 * alternating rounds; the report gives requests/s and this process's CPU time per request, and
 * the ratio Tessera ÷ bare. Writes its section of BENCHMARKS.md (between the oidc markers).
 *
 * Knobs: BENCH_OIDC_SECONDS (5 per run), BENCH_OIDC_ROUNDS (3), BENCH_OIDC_CONNECTIONS (10).
 * Runs on SQLite (the embedded default).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider, { type Configuration } from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../src/config/config.js';
import { defaultTenantSettings } from '../src/core/tenants/settings.js';
import { startServer } from '../src/server.js';
import { intFromEnv, loadFromChildProcess, log } from './harness.js';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() * 2));

const SECONDS = intFromEnv('BENCH_OIDC_SECONDS', 5, 1);
const ROUNDS = intFromEnv('BENCH_OIDC_ROUNDS', 3, 1);
const CONNECTIONS = intFromEnv('BENCH_OIDC_CONNECTIONS', 10, 1);
const REPORT_FILE = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'BENCHMARKS.md');
const START = '<!-- oidc bench: start -->';
const END = '<!-- oidc bench: end -->';

interface Target {
  name: string;
  baseUrl: string;
  tokenPath: string;
  jwksPath: string;
  auth: string;
}

interface Sample {
  rps: number;
  cpuUsPerRequest: number;
  non2xx: number;
}

async function measure(target: Target, what: 'token' | 'jwks'): Promise<Sample> {
  const before = process.cpuUsage();
  const result = await loadFromChildProcess(target.baseUrl, {
    path: what === 'token' ? target.tokenPath : target.jwksPath,
    method: what === 'token' ? 'POST' : 'GET',
    headers: what === 'token' ? { authorization: target.auth, 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: what === 'token' ? 'grant_type=client_credentials&scope=api%3Aread' : '',
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
  });
  const cpu = process.cpuUsage(before);
  const requests = result.requests.total;
  return { rps: result.requests.average, cpuUsPerRequest: requests ? (cpu.user + cpu.system) / requests : 0, non2xx: result.non2xx + result.errors + result.timeouts };
}

/** A bare oidc-provider with one client and one key of `alg`, issuing JWT access tokens for one resource. */
async function bareProvider(alg: 'ES256' | 'RS256', clientId: string, secret: string): Promise<{ target: Target; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `bare-${alg}` };
  const configuration: Configuration = {
    clients: [{ client_id: clientId, client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: alg }],
    jwks: { keys: [jwk as never] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => issuer,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api:read', audience: issuer, accessTokenFormat: 'jwt', jwt: { sign: { alg } } }),
      },
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  return {
    target: { name: `bare oidc-provider (${alg})`, baseUrl: issuer, tokenPath: '/token', jwksPath: '/jwks', auth: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-oidc-'));
  const port = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  const server = await startServer(
    { ...loadConfig({}), port, host: '127.0.0.1', publicUrl: `http://127.0.0.1:${port}`, databaseUrl: `sqlite:${path.join(dir, 'tessera.db')}`, masterKey: crypto.randomBytes(32).toString('base64'), bootstrapApiKey: `bench-${crypto.randomBytes(16).toString('hex')}`, logLevel: 'silent' },
    { logger: false },
  );
  const rows: string[] = [];
  try {
    const secret = crypto.randomBytes(32).toString('base64url');
    const auth = `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`;
    const tenantFor = async (alg: 'ES256' | 'RS256') => {
      const tenant = await server.tenants.create({}, { name: `Bench OIDC ${alg} ${crypto.randomUUID().slice(0, 6)}`, createdBy: 'operator', settings: defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }) });
      if (alg === 'RS256') {
        // Access tokens signed with the tenant's RS256 (id-token) key.
        await server.tenants.update({}, tenant.id, (current) => ({ name: current.name, settings: { ...current.settings, tokens: { ...current.settings.tokens, accessTokenKeyId: current.settings.tokens.idTokenKeyId } } }));
      }
      const now = Date.now();
      await server.storage.forTenant(tenant.id).clients.insert({
        tenantId: tenant.id, clientId: 'svc', name: 'Bench', redirectUris: [], postLogoutRedirectUris: [], allowedScopes: ['api:read'], tokenEndpointAuthMethod: 'client_secret_basic', clientType: 'confidential',
        secretHash: crypto.createHash('sha256').update(secret).digest('hex'), locked: false, signingAlg: 'RS256', flow: null, logoUri: null, clientUri: null, clientLogoutUri: null, policyUri: null, tosUri: null, userAgreementUri: null, registerEnabled: false, tenantName: null, createdAt: now, updatedAt: now,
      });
      return { name: `Tessera tenant (${alg})`, baseUrl: server.url, tokenPath: `/${tenant.slug}/token`, jwksPath: `/${tenant.slug}/jwks`, auth } satisfies Target;
    };
    for (const alg of ['ES256', 'RS256'] as const) {
      const tessera = await tenantFor(alg);
      const bare = await bareProvider(alg, 'svc', secret);
      try {
        for (const what of ['token', 'jwks'] as const) {
          if (what === 'jwks' && alg === 'RS256') continue; // the JWKS does not depend on the signing algorithm
          const samples = { tessera: [] as Sample[], bare: [] as Sample[] };
          for (const target of [tessera, bare.target]) {
            const probe = await fetch(new URL(what === 'token' ? target.tokenPath : target.jwksPath, target.baseUrl), what === 'token' ? { method: 'POST', headers: { authorization: target.auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=api%3Aread' } : {});
            if (!probe.ok) throw new Error(`${target.name} ${what}: ${probe.status} ${await probe.text()}`);
          }
          await measure(tessera, what); // warm-up: builds the tenant's provider
          await measure(bare.target, what);
          for (let round = 0; round < ROUNDS; round++) {
            log(`oidc: ${what} ${alg} round ${round + 1}/${ROUNDS}`);
            samples.tessera.push(await measure(tessera, what));
            samples.bare.push(await measure(bare.target, what));
          }
          const failed = [...samples.tessera, ...samples.bare].reduce((n, s) => n + s.non2xx, 0);
          if (failed) throw new Error(`${what} ${alg}: ${failed} non-2xx answers or errors`);
          const t = { rps: median(samples.tessera.map((s) => s.rps)), cpu: median(samples.tessera.map((s) => s.cpuUsPerRequest)) };
          const b = { rps: median(samples.bare.map((s) => s.rps)), cpu: median(samples.bare.map((s) => s.cpuUsPerRequest)) };
          const label = what === 'token' ? `client credentials, JWT access token ${alg}` : 'JWKS';
          rows.push(`| ${label} | ${t.rps.toFixed(0)} | ${b.rps.toFixed(0)} | ${(t.rps / b.rps).toFixed(2)}× | ${t.cpu.toFixed(0)} | ${b.cpu.toFixed(0)} | ${(b.cpu / t.cpu).toFixed(2)}× |`);
        }
      } finally {
        await bare.close();
      }
    }
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const section = [
    START,
    '## OpenID Provider: Tessera tenant vs bare oidc-provider 9',
    '',
    `\`npm run bench:oidc\` at ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, SQLite.`,
    `Both servers in one process, measured in ${ROUNDS} alternating rounds of ${SECONDS} s (medians), ${CONNECTIONS} connections from autocannon in a child process.`,
    'CPU is this process\'s user + system time per request (the load generator excluded). Goal (issue 8): client credentials ≥ 0.9× the bare provider.',
    '',
    '| scenario | Tessera req/s | bare req/s | req/s ratio | Tessera CPU µs/req | bare CPU µs/req | CPU ratio (bare ÷ Tessera) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Not yet measured: refresh/s, introspection/s, and 1 tenant vs 10,000 tenants with resident memory.',
    END,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  const report = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '';
  const next = report.includes(START) ? report.replace(new RegExp(`${START}[\\s\\S]*?${END}`), section) : `${report.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(REPORT_FILE, next);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
