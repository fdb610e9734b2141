/**
 * The OpenID Provider benchmark, for `npm run bench:oidc` (./oidc.ts) and `npm run bench`
 * (./run.ts): its section of BENCHMARKS.md, between START and END.
 *
 * 1. Side by side (./oidc-compare.ts): a Tessera tenant's provider vs a bare oidc-provider 9 in
 *    this process, on SQLite.
 * 2. 1 tenant vs BENCH_OIDC_TENANTS tenants (./oidc-tenants.ts, a child process per pool size):
 *    seeded once, then measured with the default OIDC_PROVIDER_POOL and with a pool that holds
 *    every tenant; then the same load against as many bare engine instances
 *    (./oidc-bare-tenants.ts), the engine's own floor.
 *
 * Knobs: BENCH_OIDC_SECONDS (5 per run), BENCH_OIDC_ROUNDS (5), BENCH_OIDC_CONNECTIONS (10),
 * BENCH_OIDC_TENANTS (10000; 0 skips part 2), BENCH_OIDC_TENANT_SECONDS (5),
 * BENCH_OIDC_TENANT_ROUNDS (3), BENCH_OIDC_SEED_PARALLEL (8 tenants created at a time),
 * BENCH_OIDC_ONLY (comma-separated scenario keys, e.g. `cc-ES256,jwks`: only those side by side;
 * for profiling one path — the report then lacks the other rows).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.js';
import { startServer } from '../src/server.js';
import { type CompareReport, type CompareRow, compareWithBare } from './oidc-compare.js';
import type { TenantsReport, TenantsSpec } from './oidc-tenants.js';
import type { BareTenantsSpec } from './oidc-bare-tenants.js';
import type { OneVsMany } from './one-vs-many.js';
import { checkAborted, intFromEnv, log } from './harness.js';

export const START = '<!-- oidc bench: start -->';
export const END = '<!-- oidc bench: end -->';

export const oidcSettings = {
  seconds: intFromEnv('BENCH_OIDC_SECONDS', 5, 1),
  rounds: intFromEnv('BENCH_OIDC_ROUNDS', 5, 1),
  connections: intFromEnv('BENCH_OIDC_CONNECTIONS', 10, 1),
  tenants: intFromEnv('BENCH_OIDC_TENANTS', 10_000, 0),
  tenantSeconds: intFromEnv('BENCH_OIDC_TENANT_SECONDS', 5, 1),
  tenantRounds: intFromEnv('BENCH_OIDC_TENANT_ROUNDS', 3, 1),
  parallel: intFromEnv('BENCH_OIDC_SEED_PARALLEL', 8, 1),
  only: (process.env.BENCH_OIDC_ONLY ?? '').split(',').map((key) => key.trim()).filter(Boolean),
};

/** Goals (issue 8). */
const CC_GOAL = 0.9;
const TENANTS_GOAL = 0.8;
const RSS_GOAL_MIB = 1024;

const TENANTS_CHILD = fileURLToPath(new URL('./oidc-tenants.js', import.meta.url));
const BARE_TENANTS_CHILD = fileURLToPath(new URL('./oidc-bare-tenants.js', import.meta.url));

function runTenantsChild(spec: TenantsSpec, specFile: string): Promise<TenantsReport> {
  return runChild(TENANTS_CHILD, spec, specFile);
}

/** A benchmark in a process of its own: `script <specFile>` prints its report as JSON. */
function runChild<Report>(script: string, spec: object, specFile: string): Promise<Report> {
  checkAborted();
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, specFile], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } });
    const stop = () => child.kill('SIGINT');
    process.once('SIGINT', stop);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      process.off('SIGINT', stop);
      try {
        const report = JSON.parse(out) as Report;
        // On the log too: a later stage that fails does not take this one's figures with it.
        log(`${path.basename(script)}: ${out}`);
        resolve(report);
      } catch {
        reject(new Error(`${path.basename(script)} exited ${code} without a report`));
      }
    });
  });
}

async function sideBySide(): Promise<CompareReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-oidc-'));
  const apiKey = `bench-${crypto.randomBytes(16).toString('hex')}`;
  const server = await startServer(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1', databaseUrl: `sqlite:${path.join(dir, 'tessera.db')}`, masterKey: crypto.randomBytes(32).toString('base64'), bootstrapApiKey: apiKey, logLevel: 'silent' },
    { logger: false },
  );
  try {
    return await compareWithBare(server, apiKey, oidcSettings);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ManyTenants {
  tessera: TenantsReport[];
  /** The same load against as many bare engine instances (./oidc-bare-tenants.ts). */
  bare: OneVsMany;
}

async function manyTenants(): Promise<ManyTenants> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-tenants-'));
  try {
    const base = {
      databaseUrl: `sqlite:${path.join(dir, 'tessera.db')}`,
      masterKey: crypto.randomBytes(32).toString('base64'),
      apiKey: `bench-${crypto.randomBytes(16).toString('hex')}`,
      targetsFile: path.join(dir, 'targets.json'),
      tenants: oidcSettings.tenants,
      parallel: oidcSettings.parallel,
      seconds: oidcSettings.tenantSeconds,
      rounds: oidcSettings.tenantRounds,
      connections: oidcSettings.connections,
    };
    const specFile = path.join(dir, 'spec.json');
    // The product default pool first (it seeds), then one that holds every tenant.
    const reports = [await runTenantsChild({ ...base, seed: true }, specFile)];
    if (oidcSettings.tenants > reports[0]!.pool) reports.push(await runTenantsChild({ ...base, seed: false, pool: oidcSettings.tenants }, specFile));
    const bareSpec: BareTenantsSpec = { tenants: oidcSettings.tenants, seconds: oidcSettings.tenantSeconds, rounds: oidcSettings.tenantRounds, connections: oidcSettings.connections };
    const bare = await runChild<OneVsMany>(BARE_TENANTS_CHILD, bareSpec, specFile);
    return { tessera: reports, bare };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- the section --------------------------------------------------------------------------------

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const n0 = (value: number) => value.toFixed(0);
const int = (value: number) => Math.round(value).toLocaleString('en');

function compareTable(rows: CompareRow[]): string[] {
  return [
    '| scenario | goal | Tessera CPU µs/req | bare CPU µs/req | **CPU ratio (bare ÷ Tessera)** | rounds’ CPU ratios | Tessera req/s | bare req/s | req/s ratio |',
    '| --- | --- | --: | --: | --: | --- | --: | --: | --: |',
    ...rows.map((r) => {
      const ratio = r.bare.cpuUsPerRequest / r.tessera.cpuUsPerRequest;
      const goal = r.key.startsWith('cc-') ? `≥ ${CC_GOAL}×: ${ratio >= CC_GOAL ? '**met**' : '**missed** ✗'}` : '—';
      const range = r.roundRatios.map((v) => v.toFixed(2)).join(' ');
      return `| ${r.label} | ${goal} | ${n0(r.tessera.cpuUsPerRequest)} | ${n0(r.bare.cpuUsPerRequest)} | **${x(ratio)}** | ${range} | ${n0(r.tessera.rps)} | ${n0(r.bare.rps)} | ${x(r.tessera.rps / r.bare.rps)} |`;
    }),
  ];
}

function tenantsTable(many: ManyTenants): string[] {
  const n = oidcSettings.tenants.toLocaleString('en');
  const row = (who: string, r: OneVsMany, pool: string) => {
    const ratio = r.one.cpuUsPerRequest / r.many.cpuUsPerRequest;
    const served = r.manyPool.hits + r.manyPool.builds;
    const hitRate = served ? `${((100 * r.manyPool.hits) / served).toFixed(1)} %` : '—';
    const builds = served ? `${int(r.manyPool.builds)} / ${int(r.manyPool.evictions)}` : '—';
    return (
      `| ${who} | ${pool} | ${n0(r.one.cpuUsPerRequest)} | ${n0(r.many.cpuUsPerRequest)} | **${x(ratio)}** | ${ratio >= TENANTS_GOAL ? '**met**' : '**missed** ✗'} | ` +
      `${n0(r.one.rps)} | ${n0(r.many.rps)} | ${hitRate} | ${builds} | ${n0(r.rss.peak)} MiB | ${r.rss.peak < RSS_GOAL_MIB ? '**met**' : '**missed** ✗'} |`
    );
  };
  return [
    `| server | OIDC_PROVIDER_POOL | 1 tenant CPU µs/req | ${n} tenants CPU µs/req | **CPU ratio (1 ÷ ${n})** | goal ≥ ${TENANTS_GOAL}× | 1 tenant req/s | ${n} tenants req/s | pool hit rate (${n}) | providers built / evicted (${n}) | RSS peak | goal < 1 GiB |`,
    '| --- | --: | --: | --: | --: | --- | --: | --: | --: | --: | --: | --- |',
    ...many.tessera.map((r) => row('Tessera', r, `${int(r.pool)}${r.pool === loadConfig({}).maxProviders ? ' (default)' : ''}`)),
    row(`bare oidc-provider 9 × ${n}`, many.bare, '— (all held)'),
  ];
}

export interface OidcBenchResult {
  section: string;
}

export async function benchOidc(): Promise<OidcBenchResult> {
  const loadAtStart = os.loadavg();
  const date = new Date();
  log(`oidc: side by side, ${oidcSettings.rounds} rounds of ${oidcSettings.seconds} s per scenario and side`);
  const compared = await sideBySide();
  let tenants: ManyTenants | undefined;
  if (oidcSettings.tenants > 0) {
    log(`oidc: 1 tenant vs ${oidcSettings.tenants} tenants`);
    tenants = await manyTenants();
  }
  const loadAtEnd = os.loadavg();
  const cpus = os.cpus();
  const n = oidcSettings.tenants.toLocaleString('en');
  const seeded = tenants?.tessera[0]?.seeding;
  const lines = [
    START,
    '## OpenID Provider: Tessera tenant vs bare oidc-provider 9',
    '',
    `Measured ${date.toISOString()} on ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, SQLite (a file in ${os.tmpdir()}), by \`npm run bench:oidc\` (\`bench/oidc.ts\`; \`npm run bench\` runs it too).`,
    `Load average (1/5/15 min) at the start: ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}; at the end: ${loadAtEnd.map((l) => l.toFixed(2)).join(' / ')} (this run included; the machine is shared with other work).`,
    '',
    '**The figure that counts is CPU time per request**, not requests per second: this machine has 2 cores shared with other work, so wall-clock',
    'rates follow the neighbours (and the load generator takes its CPU from the same cores). CPU per request is the server process’s user + system',
    'time over a run ÷ the requests it completed; the load generator (autocannon) runs in a child process of its own and is not counted.',
    '',
    '### Side by side',
    '',
    'Both servers in one process, only one under load at a time: a Tessera tenant’s provider (`startServer`, at `/{slug}/…`: the issuer lane for the token and JWKS endpoints)',
    'and a bare oidc-provider 9 (its own `http.Server`, nothing in front) configured as `src/oidc/provider-factory.ts` configures a tenant’s:',
    `the same signing keys (the tenant’s ${compared.jwksKeys} signing JWKs: a current and a next key per algorithm, with their certificates), features, scopes, claims, lifetimes,`,
    'refresh-token policy (Reusable: no rotation) and resource server (client credentials: a JWT access token for the issuer’s API; a user: opaque tokens).',
    'What only Tessera does is what is measured: the issuer lane, the provider pool, clients read from the database',
    '(hashed secrets), and tokens, grants and users in SQLite — the bare provider has one static client with a plain-text secret, a fixed account and the',
    'engine’s in-memory adapter. Each scenario: one checked answer from each side, an unrecorded 2 s warm-up of each, then',
    `${oidcSettings.rounds} rounds (the side going first alternates) of ${oidcSettings.seconds} s each over ${oidcSettings.connections} connections; medians, and every round’s CPU ratio beside them; the answers are checked again afterwards.`,
    'Refresh and introspection use a grant, refresh token and opaque access token made through each provider’s own models (scopes `openid offline_access email profile`);',
    'the one refresh token is presented on every request (Reusable). JWT introspection is Tessera’s alone (the engine refuses it) and is not compared here.',
    `Goal (issue 8): client credentials ≥ ${CC_GOAL}× the bare provider.`,
    '',
    ...compareTable(compared.rows),
    '',
  ];
  if (tenants) {
    lines.push(
      `### 1 tenant vs ${n} tenants`,
      '',
      `One Tessera process of its own (CPU and resident memory are Tessera’s alone), one SQLite database of ${n} tenants, each with its own ES256 access-token family`,
      '(a current and a next key, generated) and its own service client, and one RS256 id-token key they all share (a Key API key named as their `idTokenKeyId`:',
      `client credentials never use it; generating ${(oidcSettings.tenants * 2).toLocaleString('en')} RSA keys would take this machine the better part of an hour).`,
      ...(seeded
        ? [`Seeding through \`TenantService.create\` and \`ClientService.create\` in-process, ${oidcSettings.parallel} at a time, took ${seeded.seconds.toFixed(0)} s (${seeded.cpuSeconds.toFixed(0)} s of CPU, ${((1000 * seeded.cpuSeconds) / seeded.tenants).toFixed(1)} ms per tenant).`]
        : []),
      `Then each tenant’s first token, 10 at a time, and ${oidcSettings.tenantRounds} alternating rounds of ${oidcSettings.tenantSeconds} s over ${oidcSettings.connections} connections: client credentials (ES256) for tenant 0 only (“1 tenant”),`,
      `or for a tenant drawn uniformly at random from all ${n} for each request (“${n} tenants”). Pool hit rate, builds and evictions are the pool’s own counters over the ${n}-tenant rounds.`,
      `The last row is the engine’s own floor: the same load, in a process of its own, against ${n} bare oidc-provider 9 instances — one per tenant, as the`,
      'engine has multi-tenancy and as Tessera’s pool holds them — on one HTTP server that hands `/t{i}/…` to instance i, each configured as the side-by-side',
      'baseline (static client, in-memory adapter) with a bench tenant’s JWKS (an ES256 current and next key of its own, one shared RS256 key) (`bench/oidc-bare-tenants.ts`).',
      `Goals (issue 8): ${n} tenants within 20 % of 1 tenant (CPU ratio ≥ ${TENANTS_GOAL}×), resident memory under 1 GiB.`,
      'Why the engine sets the floor, and how to size OIDC_PROVIDER_POOL: docs/architecture.md, “Many tenants: what one process holds”.',
      '',
      ...tenantsTable(tenants),
      '',
      ...tenants.tessera.map(
        (r) =>
          `- pool ${int(r.pool)}: the first token of each of the ${n} tenants took ${r.firstPass.seconds.toFixed(0)} s (${r.firstPass.cpuMsPerTenant.toFixed(2)} ms of CPU per tenant); ` +
          `RSS ${n0(r.rss.afterFirstPass)} MiB after it, ${n0(r.rss.end)} MiB at the end (heap in use ${n0(r.heapUsedMiB)} MiB); ${int(r.manyPool.size)} providers held at the end.`,
      ),
      `- bare engine × ${n}: the first token of each took ${tenants.bare.firstPass.seconds.toFixed(0)} s (${tenants.bare.firstPass.cpuMsPerTenant.toFixed(2)} ms of CPU per instance); ` +
        `RSS ${n0(tenants.bare.rss.afterFirstPass)} MiB after it, ${n0(tenants.bare.rss.end)} MiB at the end (heap in use ${n0(tenants.bare.heapUsedMiB)} MiB).`,
      '',
    );
  } else {
    lines.push('1 tenant vs many: skipped (BENCH_OIDC_TENANTS=0).', '');
  }
  lines.push(END);
  return { section: lines.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n') };
}

/** `report` with its OIDC section replaced by (or, when it has none, followed by) `section`. */
export function withOidcSection(report: string, section: string): string {
  const start = report.indexOf(START);
  const end = report.indexOf(END);
  if (start >= 0 && end > start) return report.slice(0, start) + section + report.slice(end + END.length);
  return `${report.trimEnd()}\n\n${section}\n`;
}
