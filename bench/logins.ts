/**
 * Logins per second for each password scheme a tenant may choose, at its production factor,
 * against the bare cost of the hash.
 *
 * For each scheme: a tenant created through the FusionAuth API with that
 * passwordEncryptionConfiguration (every other setting at its default: user lockout on, 5
 * attempts), one user with a password created through the Vault API (so the server hashes it),
 * then POST /api/login with the correct password from `connections` connections for
 * `seconds` (after an unrecorded warm-up). Then, in this same process and without HTTP,
 * `verifyPassword` on that user's stored hash with as many verifications in flight for as long:
 * the bare hash throughput. "Login cost" = bare verifies/s ÷ logins/s − 1.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RunningServer } from '../src/server.js';
import type { PasswordScheme } from '../src/core/tenants/settings.js';
import { type StoredPassword, verifyPassword } from '../src/crypto/passwords/index.js';
import { ARGON2_MEMORY_KIB } from '../src/crypto/passwords/argon2.js';
import { userStore } from '../src/storage/users.js';
import { call, checkAborted, intFromEnv, isAborted, load, log, meanMs, ms, perSecond } from './harness.js';

const cores = os.availableParallelism();

export const loginSettings = {
  /** 0 skips the login scenarios. */
  seconds: intFromEnv('BENCH_LOGIN_SECONDS', 8, 0),
  connections: intFromEnv('BENCH_LOGIN_CONNECTIONS', 2 * cores, 1),
  warmupSeconds: 1,
};

/** The schemes for new passwords at the factors production uses (src/core/tenants/settings.ts, src/crypto/passwords/). */
export const LOGIN_SCHEMES: ReadonlyArray<{ scheme: PasswordScheme; factor: number; label: string }> = [
  { scheme: 'salted-pbkdf2-hmac-sha256', factor: 24000, label: '24,000 iterations' },
  { scheme: 'bcrypt', factor: 10, label: 'cost 10' },
  { scheme: 'argon2id', factor: 2, label: `${ARGON2_MEMORY_KIB / 1024} MiB, t=2, p=1` },
];

export interface LoginRow {
  backend: string;
  scheme: PasswordScheme;
  factorLabel: string;
  connections: number;
  logins: number;
  seconds: number;
  loginsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statuses: string;
  bareVerifies: number;
  bareSeconds: number;
  bareVerifiesPerSecond: number;
  bareP50: number;
  bareP99: number;
  /** bareVerifiesPerSecond / loginsPerSecond − 1. */
  relativeCost: number;
  /** Busy time of this process's main thread (the server's event loop) per login / per bare verify, ms. */
  mainThreadPerLogin: number;
  mainThreadPerVerify: number;
  /** CPU time of the whole process (server, hashing threads, the load generator's worker) per login / per bare verify, ms. */
  cpuPerLogin: number;
  cpuPerVerify: number;
  loadAverage: number;
}

export interface LoginContext {
  backend: string;
  baseUrl: string;
  apiKey: string;
  server: RunningServer;
}

const PASSWORD = 'correct horse battery staple 42';
const USERNAME = 'bench-login';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `concurrency` verifications in flight for `seconds`; the rate is completions over the time to the last one. */
async function bareVerifies(stored: StoredPassword, concurrency: number, seconds: number): Promise<{ count: number; seconds: number; p50: number; p99: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let last = started;
  const latencies: number[] = [];
  const lane = async () => {
    while (performance.now() < deadline && !isAborted()) {
      const t0 = performance.now();
      if (!(await verifyPassword(PASSWORD, stored))) throw new Error(`bare ${stored.scheme} verification of the correct password failed`);
      last = performance.now();
      latencies.push(last - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  checkAborted();
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, seconds: (last - started) / 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function benchLogins(ctx: LoginContext): Promise<{ rows: LoginRow[]; notes: string[] }> {
  const rows: LoginRow[] = [];
  const notes: string[] = [];
  const { backend, baseUrl, apiKey, server } = ctx;
  const db = server.database.db;
  for (const { scheme, factor, label } of LOGIN_SCHEMES) {
    checkAborted();
    // The tenant: this scheme and factor, everything else (user lockout included) at its default.
    const created = await call(baseUrl, apiKey, 'POST', '/api/tenant', {
      tenant: { name: `Bench login ${scheme}`, passwordEncryptionConfiguration: { encryptionScheme: scheme, encryptionSchemeFactor: factor } },
    });
    if (created.status !== 200) throw new Error(`creating the ${scheme} tenant answered ${created.status}: ${JSON.stringify(created.json)}`);
    const tenantId: string = created.json.tenant.id;
    const settings = (await server.tenants.get({}, tenantId)).settings;
    const lockout = settings.userLockout;

    // The user, through the Vault API: the server hashes the password with the tenant's scheme.
    const user = await call(baseUrl, apiKey, 'POST', `/tenants/${tenantId}/users`, { username: USERNAME, email: `${USERNAME}@bench.example`, password: PASSWORD });
    if (user.status !== 201) throw new Error(`creating the ${scheme} user answered ${user.status}: ${JSON.stringify(user.json)}`);
    const stored = (await userStore.findByUsername(db, tenantId, USERNAME))?.password;
    if (!stored || stored.scheme !== scheme || stored.factor !== factor) {
      throw new Error(`the ${scheme} user's stored password is ${stored ? `${stored.scheme}/${stored.factor}` : 'missing'}, not ${scheme}/${factor}`);
    }

    // One login by hand: 200 with a token, or the scenario is measuring something else.
    const loginHeaders = { authorization: apiKey, 'content-type': 'application/json', 'x-fusionauth-tenantid': tenantId };
    const body = JSON.stringify({ loginId: USERNAME, password: PASSWORD });
    const first = await call(baseUrl, apiKey, 'POST', '/api/login', body, { 'x-fusionauth-tenantid': tenantId });
    if (first.status !== 200 || typeof first.json?.token !== 'string') throw new Error(`a ${scheme} login answered ${first.status}: ${JSON.stringify(first.json)}`);

    const run = { path: '/api/login', method: 'POST' as const, headers: loginHeaders, body, connections: loginSettings.connections, timeout: 30 };
    await load(baseUrl, { ...run, duration: loginSettings.warmupSeconds });
    const loadAverage = os.loadavg()[0]!;
    log(`${backend}: login ${scheme} (${label}) — POST /api/login, ${loginSettings.seconds} s, ${loginSettings.connections} connections`);
    let elu = performance.eventLoopUtilization();
    let cpu = process.cpuUsage();
    const { result } = await load(baseUrl, { ...run, duration: loginSettings.seconds });
    const loginBusy = performance.eventLoopUtilization(elu).active;
    const loginCpu = process.cpuUsage(cpu);
    log(`${backend}: bare verifyPassword ${scheme} — ${loginSettings.connections} in flight, ${loginSettings.seconds} s`);
    elu = performance.eventLoopUtilization();
    cpu = process.cpuUsage();
    const bare = await bareVerifies(stored, loginSettings.connections, loginSettings.seconds);
    const bareBusy = performance.eventLoopUtilization(elu).active;
    const bareCpu = process.cpuUsage(cpu);

    // The lockout counter must be back at 0 and the user unblocked after only correct passwords.
    const failures = await db
      .selectFrom('login_failures')
      .select(['failed_count', 'blocked_until'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'user')
      .executeTakeFirst();
    const loginsPerSecond = result.duration > 0 ? result.requests.total / result.duration : 0;
    const bareVerifiesPerSecond = bare.seconds > 0 ? bare.count / bare.seconds : 0;
    rows.push({
      backend,
      scheme,
      factorLabel: label,
      connections: result.connections,
      logins: result.requests.total,
      seconds: result.duration,
      loginsPerSecond,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      statuses: Object.entries(result.statusCodeStats)
        .map(([code, { count }]) => `${code}×${count}`)
        .join(', '),
      bareVerifies: bare.count,
      bareSeconds: bare.seconds,
      bareVerifiesPerSecond,
      bareP50: bare.p50,
      bareP99: bare.p99,
      relativeCost: loginsPerSecond > 0 ? bareVerifiesPerSecond / loginsPerSecond - 1 : Number.NaN,
      mainThreadPerLogin: result.requests.total ? loginBusy / result.requests.total : 0,
      mainThreadPerVerify: bare.count ? bareBusy / bare.count : 0,
      cpuPerLogin: result.requests.total ? (loginCpu.user + loginCpu.system) / 1000 / result.requests.total : 0,
      cpuPerVerify: bare.count ? (bareCpu.user + bareCpu.system) / 1000 / bare.count : 0,
      loadAverage,
    });
    if (rows.length === 1) {
      notes.push(
        `the login tenants set only their password scheme and factor, so they keep the default user lockout (enabled: ${lockout.enabled}, ${lockout.maxAttempts} attempts in ${lockout.windowSeconds} s, ` +
          `reset after success: ${lockout.resetAfterSuccess}) and IP blocking (enabled: ${settings.ipBruteForce.enabled}).`,
      );
    }
    notes.push(
      `${scheme}: answers ${rows.at(-1)!.statuses}; afterwards the user's failure counter is ` +
        `${failures ? `${failures.failed_count} and blocked_until ${failures.blocked_until ?? 'null'}` : 'absent'}.`,
    );
    if (failures && (Number(failures.failed_count) !== 0 || failures.blocked_until !== null)) {
      notes.push(`MISMATCH: after ${scheme} logins with the correct password the user's failure counter is ${failures.failed_count} (blocked_until ${failures.blocked_until}).`);
    }
  }
  return { rows, notes };
}

// --- report -----------------------------------------------------------------------------------

const percent = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %` : 'n/a');

export function loginTable(rows: LoginRow[]): string {
  const lines = [
    '| Back end | Scheme | Factor | Conns | Logins | Duration (s) | Logins/s | Logins/s per core | p50 (ms) | p99 (ms) | Non-2xx | Errors | Bare verifies/s | Bare p50 (ms) | Login cost vs bare verify | Load (1 min) |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.backend} | ${r.scheme} | ${r.factorLabel} | ${r.connections} | ${r.logins} | ${r.seconds.toFixed(1)} | ${perSecond(r.loginsPerSecond)} | ${perSecond(r.loginsPerSecond / cores)} | ` +
        `${ms(r.p50)} | ${ms(r.p99)} | ${r.non2xx} | ${r.errors} | ${perSecond(r.bareVerifiesPerSecond)} | ${meanMs(r.bareP50)} | ${percent(r.relativeCost)}${Math.abs(r.relativeCost) <= 0.1 ? '' : ' ✗'} | ${r.loadAverage.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** Where a login's time goes, next to a bare verify. */
export function loginCostTable(rows: LoginRow[]): string {
  const lines = [
    '| Back end | Scheme | Main thread per login (ms) | Main thread per bare verify (ms) | Process CPU per login (ms) | Process CPU per bare verify (ms) | CPU beyond the hash per login (ms) |',
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.backend} | ${r.scheme} | ${r.mainThreadPerLogin.toFixed(2)} | ${r.mainThreadPerVerify.toFixed(2)} | ${r.cpuPerLogin.toFixed(2)} | ${r.cpuPerVerify.toFixed(2)} | ${(r.cpuPerLogin - r.cpuPerVerify).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

export { cores };
