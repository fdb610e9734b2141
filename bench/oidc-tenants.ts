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
import { startServer } from '../src/server.js';
import { call, log } from './harness.js';
import { type OneVsMany, type Target, cpuUs, measureOneVsMany } from './one-vs-many.js';

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

export interface TenantsReport extends OneVsMany {
  pool: number;
  seeding?: { seconds: number; cpuSeconds: number; tenants: number };
}


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
    const measured = await measureOneVsMany({ baseUrl: server.url, targets, label: `pool ${server.oidc.stats.capacity}`, seconds: spec.seconds, rounds: spec.rounds, connections: spec.connections, poolStats: () => server.oidc.stats });
    const report: TenantsReport = { pool: server.oidc.stats.capacity, ...(seeding ? { seeding } : {}), ...measured };
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
