/**
 * Client credentials with 1 tenant vs many, in a process of its own so that its CPU time and
 * resident memory are Tessera's alone: `node dist/bench/oidc-tenants.js <spec.json>` (a
 * `TenantsSpec`), started by ./oidc-bench.ts; prints a `TenantsReport` as JSON on stdout.
 *
 * Seeding (when `seed` is set; otherwise the database of an earlier run is opened again, as a
 * restart would): one RS256 key through the FusionAuth Key API, shared by every tenant for its id
 * tokens, then `tenants` tenants through `TenantService.create` in this process — the service
 * behind `POST /api/tenant`: validation, an ES256 access-token family of its own (a current and a
 * next key, each with its certificate), one transaction and its change events — each with one
 * service client of its own (`ClientService.create`, a secret of its own), `parallel` at a time.
 *
 * Then one pass over every tenant (its first token: the provider is built), and alternating
 * rounds of the same load: every request to tenant 0 ("1 tenant"), or each request to a tenant
 * drawn at random from all of them ("N tenants"). OIDC_PROVIDER_POOL is `pool`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadConfig } from '../src/config/config.js';
import { defaultTenantSettings } from '../src/core/tenants/settings.js';
import type { PoolStats } from '../src/oidc/tenant-pool.js';
import { startServer } from '../src/server.js';
import { call, loadCycleFromChildProcess, log } from './harness.js';

export interface TenantsSpec {
  databaseUrl: string;
  masterKey: string;
  apiKey: string;
  /** Where the seeded tenants' token paths and client credentials are kept between runs. */
  targetsFile: string;
  seed: boolean;
  tenants: number;
  parallel: number;
  /** OIDC_PROVIDER_POOL; undefined: the product default. */
  pool?: number;
  seconds: number;
  rounds: number;
  connections: number;
}

export interface Measured {
  rps: number;
  cpuUsPerRequest: number;
  rounds: number[];
  requests: number;
}

export interface TenantsReport {
  pool: number;
  seeding?: { seconds: number; cpuSeconds: number; tenants: number };
  /** The pass that asks every tenant for its first token. */
  firstPass: { seconds: number; cpuMsPerTenant: number };
  one: Measured;
  many: Measured;
  /** The pool's counters over the N-tenant rounds. */
  manyPool: { builds: number; hits: number; evictions: number; size: number };
  /** Resident memory in MiB: after the first pass, the highest seen during the N-tenant rounds, at the end. */
  rss: { afterFirstPass: number; peak: number; end: number };
  heapUsedMiB: number;
}

type Target = { path: string; headers: Record<string, string> };

const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as TenantsSpec;
  const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', publicUrl: 'http://127.0.0.1', databaseUrl: spec.databaseUrl, masterKey: spec.masterKey, bootstrapApiKey: spec.apiKey, logLevel: 'silent' as const };
  if (spec.pool !== undefined) config.maxProviders = spec.pool;
  const server = await startServer(config, { logger: false });
  try {
    let seeding: TenantsReport['seeding'];
    let targets: Target[];
    if (spec.seed) {
      const started = Date.now();
      const cpuAtStart = cpuUs();
      const shared = await call(server.url, spec.apiKey, 'POST', '/api/key/generate', { key: { algorithm: 'RS256', name: 'Bench shared id-token key' } });
      if (shared.status !== 200) throw new Error(`generating the shared key answered ${shared.status}: ${JSON.stringify(shared.json)}`);
      const idTokenKeyId: string = shared.json.key.id;
      targets = new Array<Target>(spec.tenants);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < spec.tenants; i = next++) {
          const tenant = await server.tenants.create({}, { name: `Bench tenant ${String(i).padStart(5, '0')}`, createdBy: 'operator', settings: defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId }) });
          const secret = crypto.randomBytes(24).toString('base64url');
          await server.clients.create(tenant, { clientId: 'svc', name: 'Bench service', allowedScopes: ['api:read'], clientType: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secret });
          targets[i] = { path: `/${tenant.slug}/token`, headers: { authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' } };
          if ((i + 1) % 1000 === 0) log(`oidc tenants: ${i + 1} of ${spec.tenants} seeded (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      };
      await Promise.all(Array.from({ length: spec.parallel }, worker));
      seeding = { seconds: (Date.now() - started) / 1000, cpuSeconds: (cpuUs() - cpuAtStart) / 1e6, tenants: spec.tenants };
      fs.writeFileSync(spec.targetsFile, JSON.stringify(targets));
    } else {
      targets = JSON.parse(fs.readFileSync(spec.targetsFile, 'utf8')) as Target[];
    }
    const body = 'grant_type=client_credentials&scope=api%3Aread';
    const probe = async (target: Target) => {
      const response = await fetch(new URL(target.path, server.url), { method: 'POST', headers: target.headers, body });
      const answer = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !answer.access_token) throw new Error(`${target.path}: ${response.status} ${JSON.stringify(answer)}`);
    };

    // Every tenant's first token (its provider built), 10 at a time.
    log(`oidc tenants: first token of each of ${targets.length} tenants (pool ${server.oidc.stats.capacity})`);
    const passStarted = Date.now();
    const passCpu = cpuUs();
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let i = next++; i < targets.length; i = next++) await probe(targets[i]!);
    }));
    const firstPass = { seconds: (Date.now() - passStarted) / 1000, cpuMsPerTenant: (cpuUs() - passCpu) / 1000 / targets.length };
    const afterFirstPass = process.memoryUsage().rss / MiB;

    const run = async (which: 'one' | 'many', seconds: number) => {
      const before = cpuUs();
      const result = await loadCycleFromChildProcess({ baseUrl: server.url, method: 'POST', body, targets: which === 'one' ? [targets[0]!] : targets, order: 'random', connections: spec.connections, duration: seconds, timeout: 30 });
      const cpu = cpuUs() - before;
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed) throw new Error(`${which}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      return { rps: result.requests.average, cpu: cpu / result.requests.total, requests: result.requests.total };
    };
    await run('one', 2);
    await run('many', 2);
    const one: Array<{ rps: number; cpu: number; requests: number }> = [];
    const many: typeof one = [];
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / MiB)), 200);
    let poolDelta = { builds: 0, hits: 0, evictions: 0, size: 0 };
    const manyRound = async () => {
      const before: PoolStats = server.oidc.stats;
      many.push(await run('many', spec.seconds));
      const after = server.oidc.stats;
      poolDelta = { builds: poolDelta.builds + after.builds - before.builds, hits: poolDelta.hits + after.hits - before.hits, evictions: poolDelta.evictions + after.evictions - before.evictions, size: after.size };
    };
    try {
      for (let round = 0; round < spec.rounds; round++) {
        log(`oidc tenants (pool ${server.oidc.stats.capacity}): round ${round + 1}/${spec.rounds}`);
        if (round % 2 === 0) {
          one.push(await run('one', spec.seconds));
          await manyRound();
        } else {
          await manyRound();
          one.push(await run('one', spec.seconds));
        }
      }
    } finally {
      clearInterval(sampler);
    }
    await probe(targets[targets.length - 1]!);
    const side = (samples: typeof one): Measured => ({ rps: median(samples.map((s) => s.rps)), cpuUsPerRequest: median(samples.map((s) => s.cpu)), rounds: samples.map((s) => s.cpu), requests: samples.reduce((n, s) => n + s.requests, 0) });
    const memory = process.memoryUsage();
    const report: TenantsReport = {
      pool: server.oidc.stats.capacity,
      ...(seeding ? { seeding } : {}),
      firstPass,
      one: side(one),
      many: side(many),
      manyPool: poolDelta,
      rss: { afterFirstPass, peak: Math.max(peak, memory.rss / MiB), end: memory.rss / MiB },
      heapUsedMiB: memory.heapUsed / MiB,
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
