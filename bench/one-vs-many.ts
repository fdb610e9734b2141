/**
 * Client credentials against one issuer vs against many, in the calling process (whose CPU time
 * and resident memory are measured): first one token from every issuer (each provider built and
 * warmed), then alternating rounds of the same load — every request to the first issuer
 * ("1 tenant"), or each to an issuer drawn uniformly at random from all of them ("N tenants").
 * Shared by the Tessera run (./oidc-tenants.ts) and the bare-engine run (./oidc-bare-tenants.ts).
 */
import type { PoolStats } from '../src/oidc/tenant-pool.js';
import { loadCycleFromChildProcess, log } from './harness.js';

export type Target = { path: string; headers: Record<string, string> };

export interface Measured {
  rps: number;
  cpuUsPerRequest: number;
  rounds: number[];
  requests: number;
}

export interface OneVsMany {
  /** The pass that asks every issuer for its first token. */
  firstPass: { seconds: number; cpuMsPerTenant: number };
  one: Measured;
  many: Measured;
  /** The pool's counters over the N-tenant rounds (zeros where there is no pool). */
  manyPool: { builds: number; hits: number; evictions: number; size: number };
  /** Resident memory in MiB: after the first pass, the highest seen during the rounds, at the end. */
  rss: { afterFirstPass: number; peak: number; end: number };
  heapUsedMiB: number;
}

export const CLIENT_CREDENTIALS_BODY = 'grant_type=client_credentials&scope=api%3Aread';

const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** This process's user + system CPU time so far, in µs. */
export const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export async function measureOneVsMany(options: { baseUrl: string; targets: Target[]; label: string; seconds: number; rounds: number; connections: number; poolStats?: () => PoolStats }): Promise<OneVsMany> {
  const { baseUrl, targets } = options;
  const body = CLIENT_CREDENTIALS_BODY;
  const probe = async (target: Target) => {
    const response = await fetch(new URL(target.path, baseUrl), { method: 'POST', headers: target.headers, body });
    const answer = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !answer.access_token) throw new Error(`${target.path}: ${response.status} ${JSON.stringify(answer)}`);
  };

  // Every issuer's first token (its provider built), 10 at a time.
  log(`oidc tenants (${options.label}): first token of each of ${targets.length} tenants`);
  const passStarted = Date.now();
  const passCpu = cpuUs();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = next++; i < targets.length; i = next++) await probe(targets[i]!);
    }),
  );
  const firstPass = { seconds: (Date.now() - passStarted) / 1000, cpuMsPerTenant: (cpuUs() - passCpu) / 1000 / targets.length };
  const afterFirstPass = process.memoryUsage().rss / MiB;

  const run = async (which: 'one' | 'many', seconds: number) => {
    const before = cpuUs();
    const result = await loadCycleFromChildProcess({ baseUrl, method: 'POST', body, targets: which === 'one' ? [targets[0]!] : targets, order: 'random', connections: options.connections, duration: seconds, timeout: 30 });
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
    const before = options.poolStats?.();
    many.push(await run('many', options.seconds));
    const after = options.poolStats?.();
    if (before && after) poolDelta = { builds: poolDelta.builds + after.builds - before.builds, hits: poolDelta.hits + after.hits - before.hits, evictions: poolDelta.evictions + after.evictions - before.evictions, size: after.size };
  };
  try {
    for (let round = 0; round < options.rounds; round++) {
      log(`oidc tenants (${options.label}): round ${round + 1}/${options.rounds}`);
      // Alternate which goes first, so neither always follows the other's garbage.
      if (round % 2 === 0) {
        one.push(await run('one', options.seconds));
        await manyRound();
      } else {
        await manyRound();
        one.push(await run('one', options.seconds));
      }
    }
  } finally {
    clearInterval(sampler);
  }
  await probe(targets[targets.length - 1]!);
  const side = (samples: typeof one): Measured => ({ rps: median(samples.map((s) => s.rps)), cpuUsPerRequest: median(samples.map((s) => s.cpu)), rounds: samples.map((s) => s.cpu), requests: samples.reduce((n, s) => n + s.requests, 0) });
  const memory = process.memoryUsage();
  return { firstPass, one: side(one), many: side(many), manyPool: poolDelta, rss: { afterFirstPass, peak: Math.max(peak, memory.rss / MiB), end: memory.rss / MiB }, heapUsedMiB: memory.heapUsed / MiB };
}
