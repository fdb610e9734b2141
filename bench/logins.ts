/**
 * Logins per second for each password scheme a tenant may choose, at its production factor,
 * against the bare cost of the hash.
 *
 * For each scheme: a tenant created through the FusionAuth API with that
 * passwordEncryptionConfiguration (every other setting at its default: user lockout on, 5
 * attempts), one user with a password created through the Vault API (so the server hashes it).
 * Then `rounds` rounds, each of two runs of `seconds`: POST /api/login with the correct password
 * from `connections` connections (autocannon in a child process), and, in this process without
 * HTTP, `verifyPassword` on that user's stored hash with as many verifications in flight (the
 * bare hash); the order alternates between rounds. Both runs are measured in CPU time (this
 * process, every thread; on PostgreSQL also the database server's processes) and in completions
 * per second. "Login cost" = CPU per login ÷ CPU per bare verify − 1, the median over the rounds:
 * what a login costs beyond its hash, whatever else shares the machine's cores meanwhile.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RunningServer } from '../src/server.js';
import type { PasswordScheme } from '../src/core/tenants/settings.js';
import { type StoredPassword, verifyPassword } from '../src/crypto/passwords/index.js';
import { ARGON2_MEMORY_KIB } from '../src/crypto/passwords/argon2.js';

import { postgresCpuMs, processCpuMs } from './cpu.js';
import { call, checkAborted, intFromEnv, isAborted, loadFromChildProcess, log, ms, perSecond } from './harness.js';

const cores = os.availableParallelism();

export const loginSettings = {
  /** Seconds of each run (a round is a login run and a bare run); 0 skips the login scenarios. */
  seconds: intFromEnv('BENCH_LOGIN_SECONDS', 3, 0),
  rounds: intFromEnv('BENCH_LOGIN_ROUNDS', 5, 1),
  connections: intFromEnv('BENCH_LOGIN_CONNECTIONS', 2 * cores, 1),
  warmupSeconds: 2,
};

/** The schemes for new passwords at the factors production uses (src/core/tenants/settings.ts, src/crypto/passwords/). */
export const LOGIN_SCHEMES: ReadonlyArray<{ scheme: PasswordScheme; factor: number; label: string; reference?: true }> = [
  { scheme: 'salted-pbkdf2-hmac-sha256', factor: 24000, label: '24,000 iterations' },
  { scheme: 'bcrypt', factor: 10, label: 'cost 10' },
  { scheme: 'argon2id', factor: 2, label: `${ARGON2_MEMORY_KIB / 1024} MiB, t=2, p=1` },
  // Not a production factor: a hash so short that the rest of a login shows on its own.
  { scheme: 'salted-pbkdf2-hmac-sha256', factor: 1000, label: '1,000 iterations (reference)', reference: true },
];

/** One round: a login run and a bare-verify run of the same length and concurrency. */
export interface LoginRound {
  logins: number;
  loginsPerSecond: number;
  /** CPU per login, ms: this process (every thread) plus, on PostgreSQL, the database server. */
  cpuPerLogin: number;
  /** The database server's part of cpuPerLogin (PostgreSQL; 0 on SQLite). */
  dbCpuPerLogin: number;
  /** Busy time of this process's main thread (the server's event loop) per login, ms. */
  mainThreadPerLogin: number;
  bareVerifies: number;
  bareVerifiesPerSecond: number;
  cpuPerVerify: number;
  mainThreadPerVerify: number;
  p50: number;
  p99: number;
  bareP50: number;
  /** cpuPerLogin / cpuPerVerify − 1. */
  cpuCost: number;
  /** bareVerifiesPerSecond / loginsPerSecond − 1. */
  throughputCost: number;
}

/** The rounds at one concurrency, and the median one by CPU cost. */
export interface LoginSeries {
  rounds: LoginRound[];
  median: LoginRound;
}

function summarize(rounds: LoginRound[]): LoginSeries {
  const byCost = [...rounds].sort((a, b) => a.cpuCost - b.cpuCost);
  return { rounds, median: byCost[Math.floor(byCost.length / 2)]! };
}

export interface LoginRow {
  backend: string;
  scheme: PasswordScheme;
  factorLabel: string;
  /** A reference factor, not a production one: the goal does not apply. */
  reference: boolean;
  /** Concurrency of the saturated runs. */
  connections: number;
  /** One login (or bare verify) at a time: what one login costs. */
  single: LoginSeries;
  /** `connections` at a time: every core busy. */
  saturated: LoginSeries;
  logins: number;
  non2xx: number;
  errors: number;
  statuses: string;
  loadAverage: number;
  /** False when the database server's CPU could not be read (PostgreSQL on another host or user). */
  dbCpuCounted: boolean;
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
  const only = (process.env.BENCH_LOGIN_SCHEMES ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const { scheme, factor, label, reference } of LOGIN_SCHEMES.filter((s) => only.length === 0 || only.includes(s.scheme))) {
    checkAborted();
    // The tenant: this scheme and factor, everything else (user lockout included) at its default.
    const created = await call(baseUrl, apiKey, 'POST', '/api/tenant', {
      tenant: { name: `Bench login ${scheme} ${factor}`, passwordEncryptionConfiguration: { encryptionScheme: scheme, encryptionSchemeFactor: factor } },
    });
    if (created.status !== 200) throw new Error(`creating the ${scheme} tenant answered ${created.status}: ${JSON.stringify(created.json)}`);
    const tenantId: string = created.json.tenant.id;
    const settings = (await server.tenants.get({}, tenantId)).settings;
    const lockout = settings.userLockout;

    // The user, through the Vault API: the server hashes the password with the tenant's scheme.
    const user = await call(baseUrl, apiKey, 'POST', `/tenants/${tenantId}/users`, { username: USERNAME, email: `${USERNAME}@bench.example`, password: PASSWORD });
    if (user.status !== 201) throw new Error(`creating the ${scheme} user answered ${user.status}: ${JSON.stringify(user.json)}`);
    const stored = (await server.storage.forTenant(tenantId).users.findByUsername(USERNAME))?.password;
    if (!stored || stored.scheme !== scheme || stored.factor !== factor) {
      throw new Error(`the ${scheme} user's stored password is ${stored ? `${stored.scheme}/${stored.factor}` : 'missing'}, not ${scheme}/${factor}`);
    }

    // One login by hand: 200 with a token, or the scenario is measuring something else.
    const loginHeaders = { authorization: apiKey, 'content-type': 'application/json', 'x-fusionauth-tenantid': tenantId };
    const body = JSON.stringify({ loginId: USERNAME, password: PASSWORD });
    const first = await call(baseUrl, apiKey, 'POST', '/api/login', body, { 'x-fusionauth-tenantid': tenantId });
    if (first.status !== 200 || typeof first.json?.token !== 'string') throw new Error(`a ${scheme} login answered ${first.status}: ${JSON.stringify(first.json)}`);

    const run = { path: '/api/login', method: 'POST', headers: loginHeaders, body, timeout: 30 };
    await loadFromChildProcess(baseUrl, { ...run, connections: loginSettings.connections, duration: loginSettings.warmupSeconds });
    const loadAverage = os.loadavg()[0]!;
    const countDb = backend === 'postgres' && postgresCpuMs() !== undefined;
    const dbCpu = () => (countDb ? postgresCpuMs() ?? 0 : 0);
    const statuses = new Map<string, number>();
    let non2xx = 0;
    let errors = 0;

    /** One round at this concurrency: a login run and a bare run, in the given order. */
    const measureRound = async (concurrency: number, loginFirst: boolean): Promise<LoginRound> => {
      /** Runs `work` and reports what it cost: main-thread busy time, this process's CPU, the database server's CPU. */
      const measured = async <T>(work: () => Promise<T>) => {
        const elu = performance.eventLoopUtilization();
        const cpu = processCpuMs();
        const db0 = dbCpu();
        const value = await work();
        return { value, busy: performance.eventLoopUtilization(elu).active, cpu: processCpuMs() - cpu, db: dbCpu() - db0 };
      };
      const loginRun = () => measured(() => loadFromChildProcess(baseUrl, { ...run, connections: concurrency, duration: loginSettings.seconds }));
      const bareRun = () => measured(() => bareVerifies(stored, concurrency, loginSettings.seconds));
      let login: Awaited<ReturnType<typeof loginRun>>;
      let bare: Awaited<ReturnType<typeof bareRun>>;
      if (loginFirst) {
        login = await loginRun();
        bare = await bareRun();
      } else {
        bare = await bareRun();
        login = await loginRun();
      }
      const result = login.value;
      const n = result.requests.total;
      non2xx += result.non2xx;
      errors += result.errors + result.timeouts;
      for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses.set(code, (statuses.get(code) ?? 0) + count);
      const cpuPerLogin = n ? (login.cpu + login.db) / n : 0;
      const cpuPerVerify = bare.value.count ? (bare.cpu + bare.db) / bare.value.count : 0;
      const loginsPerSecond = result.duration > 0 ? n / result.duration : 0;
      const bareVerifiesPerSecond = bare.value.seconds > 0 ? bare.value.count / bare.value.seconds : 0;
      return {
        logins: n,
        loginsPerSecond,
        cpuPerLogin,
        dbCpuPerLogin: n ? login.db / n : 0,
        mainThreadPerLogin: n ? login.busy / n : 0,
        bareVerifies: bare.value.count,
        bareVerifiesPerSecond,
        cpuPerVerify,
        mainThreadPerVerify: bare.value.count ? bare.busy / bare.value.count : 0,
        p50: result.latency.p50,
        p99: result.latency.p99,
        bareP50: bare.value.p50,
        cpuCost: cpuPerVerify > 0 ? cpuPerLogin / cpuPerVerify - 1 : Number.NaN,
        throughputCost: loginsPerSecond > 0 ? bareVerifiesPerSecond / loginsPerSecond - 1 : Number.NaN,
      };
    };

    const single: LoginRound[] = [];
    const saturated: LoginRound[] = [];
    for (let round = 0; round < loginSettings.rounds; round++) {
      log(`${backend}: ${scheme} (${label}) round ${round + 1}/${loginSettings.rounds} — POST /api/login and bare verifyPassword, ${loginSettings.seconds} s each, 1 and ${loginSettings.connections} at a time`);
      // Alternate which goes first, so a drift in the machine's speed weighs on both alike.
      single.push(await measureRound(1, round % 2 === 0));
      saturated.push(await measureRound(loginSettings.connections, round % 2 === 1));
    }

    // The lockout counter must be back at 0 and the user unblocked after only correct passwords, once
    // the logins the load generator left in flight when it stopped have finished (up to 5 s).
    const readFailures = () =>
      db.selectFrom('login_failures').select(['failed_count', 'blocked_until']).where('tenant_id', '=', tenantId).where('kind', '=', 'user').executeTakeFirst();
    let failures = await readFailures();
    for (let wait = 0; wait < 50 && failures && (Number(failures.failed_count) !== 0 || failures.blocked_until !== null); wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      failures = await readFailures();
    }
    rows.push({
      backend,
      scheme,
      factorLabel: label,
      reference: reference ?? false,
      connections: loginSettings.connections,
      single: summarize(single),
      saturated: summarize(saturated),
      logins: [...single, ...saturated].reduce((sum, r) => sum + r.logins, 0),
      non2xx,
      errors,
      statuses: [...statuses].map(([code, count]) => `${code}×${count}`).join(', '),
      loadAverage,
      dbCpuCounted: countDb,
    });
    if (rows.length === 1) {
      notes.push(
        `the login tenants set only their password scheme and factor, so they keep the default user lockout (enabled: ${lockout.enabled}, ${lockout.maxAttempts} attempts in ${lockout.windowSeconds} s, ` +
          `reset after success: ${lockout.resetAfterSuccess}) and IP blocking (enabled: ${settings.ipBruteForce.enabled}).`,
      );
    }
    notes.push(
      `${scheme} (${label}): answers ${rows.at(-1)!.statuses}; afterwards the user's failure counter is ` +
        `${failures ? `${failures.failed_count} and blocked_until ${failures.blocked_until ?? 'null'}` : 'absent'}.`,
    );
    if (failures && (Number(failures.failed_count) !== 0 || failures.blocked_until !== null)) {
      notes.push(`MISMATCH: after ${scheme} (${label}) logins with the correct password the user's failure counter is ${failures.failed_count} (blocked_until ${failures.blocked_until}).`);
    }
  }
  return { rows, notes };
}

// --- report -----------------------------------------------------------------------------------

const percent = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %` : 'n/a');
const GOAL = 0.1;
const mark = (value: number, reference: boolean) => (reference || Math.abs(value) <= GOAL ? '' : ' ✗');

const range = (series: LoginSeries) => {
  const costs = series.rounds.map((x) => x.cpuCost);
  return `${percent(Math.min(...costs))} … ${percent(Math.max(...costs))}`;
};
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function loginTable(rows: LoginRow[]): string {
  const lines = [
    '| Back end | Scheme | Factor | Login cost vs bare verify, one at a time (CPU) | Rounds’ range | Login cost vs bare verify, all cores busy (CPU) | Rounds’ range | CPU per login (ms) | CPU per bare verify (ms) | Logins/s | Logins/s per core | Bare verifies/s | Throughput: bare ÷ logins − 1 | p50 (ms) | p99 (ms) | Non-2xx | Errors | Load (1 min) |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const one = r.single.median;
    const all = r.saturated.median;
    lines.push(
      `| ${r.backend} | ${r.scheme} | ${r.factorLabel} | **${percent(one.cpuCost)}**${mark(one.cpuCost, r.reference)} | ${range(r.single)} | ${percent(all.cpuCost)}${mark(all.cpuCost, r.reference)} | ${range(r.saturated)} | ` +
        `${one.cpuPerLogin.toFixed(2)} | ${one.cpuPerVerify.toFixed(2)} | ${perSecond(all.loginsPerSecond)} | ${perSecond(all.loginsPerSecond / cores)} | ${perSecond(all.bareVerifiesPerSecond)} | ` +
        `${percent(medianOf(r.saturated.rounds.map((x) => x.throughputCost)))} | ${ms(all.p50)} | ${ms(all.p99)} | ${r.non2xx} | ${r.errors} | ${r.loadAverage.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** Where a login's time goes, next to a bare verify (median rounds). */
export function loginCostTable(rows: LoginRow[]): string {
  const lines = [
    '| Back end | Scheme | Factor | Concurrency | Main thread per login (ms) | Main thread per bare verify (ms) | Database server CPU per login (ms) | CPU beyond the hash per login (ms) |',
    '|---|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    for (const [concurrency, m] of [[1, r.single.median], [r.connections, r.saturated.median]] as const) {
      const dbCell = r.dbCpuCounted ? m.dbCpuPerLogin.toFixed(2) : r.backend === 'postgres' ? 'not readable' : '—';
      lines.push(
        `| ${r.backend} | ${r.scheme} | ${r.factorLabel} | ${concurrency} | ${m.mainThreadPerLogin.toFixed(2)} | ${m.mainThreadPerVerify.toFixed(2)} | ${dbCell} | ${(m.cpuPerLogin - m.cpuPerVerify).toFixed(2)} |`,
      );
    }
  }
  return lines.join('\n');
}

export { cores };
