/**
 * `npm run bench`: HTTP throughput of Tessera on each storage back end.
 *
 * For SQLite (a temp file) and PostgreSQL (a throwaway database, see ./backends.ts) it starts a
 * real Tessera in this process with `startServer` on 127.0.0.1 and an ephemeral port, then drives
 * it with autocannon over loopback:
 *   1. tenant create — POST /api/tenant, a fixed number of requests, unique names;
 *   2. tenant read   — GET /api/tenant/{id}, fixed duration;
 *   3. tenant list   — GET /api/tenant (after the creates), fixed duration;
 *   4. logins        — POST /api/login per password scheme at its production factor, against
 *                      bare verifyPassword in the same process, in CPU time (./logins.ts);
 *   5. users         — one tenant filled with BENCH_USERS users through the batch API, then the
 *                      Vault user list/search queries, with the SQL behind them explained (./users.ts).
 *   6. OpenID Provider — a tenant's provider against a bare oidc-provider 9, and 1 tenant vs
 *                      BENCH_OIDC_TENANTS, on SQLite (./oidc-bench.ts; `npm run bench:oidc` runs only this).
 * Every response must be 2xx (no errors, no timeouts); otherwise the run exits 1 and
 * BENCHMARKS.md is left as it was. On success the Markdown report is printed to stdout and
 * written to BENCHMARKS.md at the repository root. Progress goes to stderr.
 *
 * Knobs (environment): BENCH_CREATES (150), BENCH_CREATE_CONNECTIONS (4), BENCH_READ_SECONDS (10),
 * BENCH_LIST_SECONDS (5), BENCH_CONNECTIONS (10, read and list), BENCH_WORKERS (1: autocannon
 * runs in a worker thread, off the server's event loop; 0: on the same thread),
 * BENCH_LOGIN_SECONDS (3 per run; 0 skips the logins), BENCH_LOGIN_ROUNDS (5), BENCH_LOGIN_CONNECTIONS (2 × cores),
 * BENCH_LOGIN_SCHEMES (comma-separated scheme names; all three when unset),
 * BENCH_USERS (1000000; 0 skips the users scenario), BENCH_FILL (api, or direct: Kysely inserts),
 * BENCH_FILL_API_SECONDS (240: then the rest goes in directly), BENCH_FILL_CONNECTIONS (2 batch
 * requests in flight), BENCH_QUERY_SECONDS (5),
 * BENCH_QUERY_CONNECTIONS (10), BENCH_POSTGRES=off, BENCH_SQLITE=off, TEST_DATABASE_URL,
 * BENCH_OIDC=off (skips 6; its own knobs are in ./oidc-bench.ts).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { type BenchBackend, type BenchDatabase, benchBackends } from './backends.js';
import { type Row, call, checkAborted, intFromEnv, isAborted, load, log, meanMs, ms, perSecond, toRow, workerThreads } from './harness.js';
import { type LoginRow, LOGIN_SCHEMES, benchLogins, cores, loginCostTable, loginSettings, loginTable } from './logins.js';
import { END as OIDC_END, START as OIDC_START, benchOidc } from './oidc-bench.js';
import { type UsersReport, benchUsers, fillTable, queryTable, statementDetails, statementTable, userSettings } from './users.js';

// As `npm start` does (src/main.ts): hashing and key generation run on libuv's thread pool, sized
// to the machine. Set before anything uses the pool (it is created on first use).
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() * 2));

const settings = {
  creates: intFromEnv('BENCH_CREATES', 150, 1),
  createConnections: intFromEnv('BENCH_CREATE_CONNECTIONS', 4, 1),
  readSeconds: intFromEnv('BENCH_READ_SECONDS', 10, 1),
  listSeconds: intFromEnv('BENCH_LIST_SECONDS', 5, 1),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1),
  workers: workerThreads,
  warmupSeconds: 1,
};

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPORT_FILE = path.join(REPO_ROOT, 'BENCHMARKS.md');

interface BackendReport {
  backend: BenchBackend;
  rows: Row[];
  notes: string[];
  logins: LoginRow[];
  loginNotes: string[];
  users?: UsersReport;
}

// --- who used the CPUs -------------------------------------------------------------------------

interface CpuSnapshot {
  at: number;
  busy: number;
  total: number;
  own: number;
}

function cpuSnapshot(): CpuSnapshot {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  const own = process.cpuUsage();
  return { at: Date.now(), busy, total, own: (own.user + own.system) / 1000 };
}

/** How busy the machine was between two snapshots, and how much of that was this process. */
function cpuShare(from: CpuSnapshot, to: CpuSnapshot, backend: string): string {
  const total = to.total - from.total;
  if (total <= 0) return 'CPU use: not measurable here.';
  const machine = (to.busy - from.busy) / total;
  const own = (to.own - from.own) / total;
  const others = Math.max(0, machine - own);
  return (
    `CPU use over this back end’s ${((to.at - from.at) / 1000).toFixed(0)} s: the machine ${(machine * 100).toFixed(0)} % busy, this process ${(own * 100).toFixed(0)} %, ` +
    `other processes ${(others * 100).toFixed(0)} %${backend === 'postgres' ? ' (PostgreSQL’s own work included)' : ''}.`
  );
}

// --- one back end -----------------------------------------------------------------------------

async function benchBackend(backend: BenchBackend): Promise<BackendReport> {
  const rows: Row[] = [];
  const notes: string[] = [];
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  const cpuAtStart = cpuSnapshot();
  try {
    database = await backend.create();
    log(`${backend.name}: database ${database.url.replace(/\/\/[^@/]*@/, '//')}`);
    const apiKey = `bench-${crypto.randomBytes(24).toString('hex')}`;
    const config: Config = {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1',
      databaseUrl: database.url,
      bootstrapApiKey: apiKey,
      masterKey: crypto.randomBytes(32).toString('base64'),
      logLevel: 'silent',
    };
    server = await startServer(config, { logger: false });
    const baseUrl = server.url;
    log(`${backend.name}: Tessera listening on ${baseUrl}`);
    const headers = { authorization: apiKey, 'content-type': 'application/json' };
    const readHeaders = { authorization: apiKey };

    // The tenant the read scenario fetches.
    const target = await call(baseUrl, apiKey, 'POST', '/api/tenant', { tenant: { name: 'Bench read target' } });
    if (target.status !== 200) throw new Error(`creating the read target answered ${target.status}: ${JSON.stringify(target.json)}`);
    const targetId: string = target.json.tenant.id;

    // 1. Create: a bounded number of requests, each with the next name from a counter. The
    // load is generated on this thread (setupRequest is a function); at a few requests per
    // second its cost is negligible next to the key generation.
    const runTag = crypto.randomBytes(3).toString('hex');
    let counter = 0;
    log(`${backend.name}: create — ${settings.creates} × POST /api/tenant, ${settings.createConnections} connections`);
    const createRun = await load(baseUrl, {
      path: '/api/tenant',
      sameThread: true,
      amount: settings.creates,
      connections: settings.createConnections,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          path: '/api/tenant',
          headers,
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ tenant: { name: `Bench ${runTag} ${String(++counter).padStart(5, '0')}` } }) }),
        },
      ],
    });
    const created = createRun.result;
    rows.push(toRow(backend.name, 'create `POST /api/tenant`', createRun));

    // Cross-check: every 2xx is a stored tenant with a unique name.
    const listed = await call(baseUrl, apiKey, 'GET', '/api/tenant');
    if (listed.status !== 200) throw new Error(`GET /api/tenant answered ${listed.status}`);
    const tenants: Array<{ name: string }> = listed.json.tenants;
    const benchTenants = tenants.filter((t) => t.name.startsWith(`Bench ${runTag} `));
    notes.push(
      `create: ${created['2xx']} of ${settings.creates} requests answered 2xx; ${benchTenants.length} tenants with those names are stored ` +
        `(${new Set(benchTenants.map((t) => t.name)).size} distinct), each with two new signing keys (ES256 for access tokens, RSA-2048 for id tokens).`,
    );
    if (benchTenants.length !== created['2xx']) {
      notes.push(`MISMATCH: ${created['2xx']} creates succeeded but ${benchTenants.length} tenants are listed.`);
    }

    // 2. Read one tenant.
    const readPath = `/api/tenant/${targetId}`;
    await load(baseUrl, { path: readPath, headers: readHeaders, duration: settings.warmupSeconds, connections: settings.connections });
    log(`${backend.name}: read — GET /api/tenant/{id}, ${settings.readSeconds} s, ${settings.connections} connections`);
    rows.push(toRow(backend.name, 'read `GET /api/tenant/{id}`', await load(baseUrl, { path: readPath, headers: readHeaders, duration: settings.readSeconds, connections: settings.connections })));

    // 3. List every tenant (the Default tenant, the read target and the created ones).
    await load(baseUrl, { path: '/api/tenant', headers: readHeaders, duration: settings.warmupSeconds, connections: settings.connections });
    log(`${backend.name}: list — GET /api/tenant (${tenants.length} tenants), ${settings.listSeconds} s, ${settings.connections} connections`);
    const listRun = await load(baseUrl, { path: '/api/tenant', headers: readHeaders, duration: settings.listSeconds, connections: settings.connections });
    const listRow = toRow(backend.name, `list \`GET /api/tenant\` (${tenants.length} tenants)`, listRun);
    rows.push(listRow);
    notes.push(`list: each response carries ${tenants.length} tenants, ${(listRow.bytesPerResponse / 1024).toFixed(0)} KiB on average.`);

    // 4. Logins per password scheme (./logins.ts).
    const logins = loginSettings.seconds > 0 ? await benchLogins({ backend: backend.name, baseUrl, apiKey, server }) : { rows: [], notes: [] };

    // 5. User list and search in a tenant of BENCH_USERS users (./users.ts).
    const users = userSettings.users > 0 ? await benchUsers({ backend: backend.name, baseUrl, apiKey, server, databaseUrl: database.url }) : undefined;
    notes.push(cpuShare(cpuAtStart, cpuSnapshot(), backend.name));
    return { backend, rows, notes, logins: logins.rows, loginNotes: logins.notes, ...(users ? { users } : {}) };
  } finally {
    if (server) await server.stop().catch((error: unknown) => log(`${backend.name}: stopping the server failed: ${String(error)}`));
    if (database) await database.drop().catch((error: unknown) => log(`${backend.name}: dropping the database failed: ${String(error)}`));
  }
}

// --- report -----------------------------------------------------------------------------------

function table(rows: Row[]): string {
  const lines = [
    '| Back end | Scenario | Conns | Requests | Duration (s) | Req/s (avg) | Mean (ms) | p50 (ms) | p97.5 (ms) | p99 (ms) | Non-2xx | Errors |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.backend} | ${r.scenario} | ${r.connections} | ${r.requests} | ${r.seconds.toFixed(1)} | ${perSecond(r.rps)} | ${meanMs(r.mean)} | ${ms(r.p50)} | ${ms(r.p975)} | ${ms(r.p99)} | ${r.non2xx} | ${r.errors} |`,
    );
  }
  return lines.join('\n');
}

/** The revision measured: git HEAD, and which files under src/ differ from it. */
function revision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  try {
    const head = git('log', '-1', '--format=%h %s').trim();
    const dirty = git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    return `${head.length > 100 ? `${head.slice(0, 100)}…` : head}${dirty.length ? `, with uncommitted changes in ${dirty.join(', ')}` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

function machine(): string[] {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ');
  return [
    `- Node.js ${process.version} on ${os.type()} ${os.release()} (${os.arch()})`,
    `- CPU: ${cpus.length} × ${models}`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  ];
}

function report(reports: BackendReport[], skipped: string | undefined, date: Date, loadAtStart: number[], oidcSection: string): string {
  const readLoad = settings.workers > 0 ? `from ${settings.workers} worker thread(s) of the same process, off the server’s event loop` : 'from the server’s own thread (BENCH_WORKERS=0)';
  return [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (`bench/run.ts`); the whole file is rewritten on every successful run.',
    'Each back end gets a fresh database and a real Tessera started in-process with `startServer`',
    '(127.0.0.1, ephemeral port, logging off), driven over loopback by [autocannon](https://github.com/mcollina/autocannon).',
    'Load generator, server and database share the machine below, so the numbers compare back ends and',
    'revisions on this machine rather than predict production capacity.',
    '',
    '## Scenarios',
    '',
    `1. **create** — \`POST /api/tenant\`, exactly ${settings.creates} requests over ${settings.createConnections} connections, each with the next unique name from a counter`,
    '   (autocannon `requests` + `setupRequest`, so the load is generated on the server’s thread; at this rate that costs little).',
    '   Each create generates two RSA-2048 signing keys (libuv thread pool), so this scenario is CPU-bound.',
    '   Its Req/s is completed requests ÷ time to the last response, and so is its duration.',
    '   RSA key generation time varies widely from key to key, so create numbers vary more between runs than the others.',
    `2. **read** — \`GET /api/tenant/{id}\` of one tenant, ${settings.readSeconds} s over ${settings.connections} connections, load ${readLoad}.`,
    `3. **list** — \`GET /api/tenant\` after the creates (every tenant with its full settings), ${settings.listSeconds} s over ${settings.connections} connections, load generated as for read.`,
    '4. **logins** — `POST /api/login` per password scheme against the bare hash cost; see [Logins per password scheme](#logins-per-password-scheme).',
    '5. **users** — one tenant filled with users through the batch API, then the Vault user list and search queries; see the Users section below.',
    '6. **OpenID Provider** — a tenant’s provider against a bare oidc-provider 9, and 1 tenant vs many (SQLite); see its section at the end (`npm run bench:oidc` reruns only that section).',
    '',
    'Scenarios 1–3 are in Results; 4, 5 and 6 have their own sections after it.',
    '',
    `Read and list are each preceded by an unrecorded ${settings.warmupSeconds} s warm-up; their Req/s is autocannon’s mean of per-second samples.`,
    'All requests carry the superuser API key in `Authorization`. Latencies are in milliseconds as autocannon records them',
    '(whole milliseconds, so “<1” is under one millisecond; the mean is over those whole values).',
    'Non-2xx responses, connection errors and timeouts must all be 0, or the run exits 1 and this file is left unchanged.',
    '',
    '## Machine',
    '',
    `- Date: ${date.toISOString()}`,
    `- Revision: ${measuredRevision}`,
    ...machine(),
    `- Load average (1/5/15 min) when the run started: ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}` +
      ` (on ${os.cpus().length} CPUs; well above 0 means other work was sharing the machine); when it ended: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (this run’s own load included)`,
    ...reports.map((r) => `- ${r.backend.name}: ${r.backend.version}`),
    ...(skipped ? [`- ${skipped}`] : []),
    '',
    '## Results',
    '',
    table(reports.flatMap((r) => r.rows)),
    '',
    ...reports.flatMap((r) => [`**${r.backend.name}**`, '', ...r.notes.map((n) => `- ${n}`), '']),
    ...loginSection(reports),
    ...usersSection(reports),
    oidcSection,
    '',
  ].join('\n');
}

function loginSection(reports: BackendReport[]): string[] {
  const head = ['## Logins per password scheme', ''];
  if (loginSettings.seconds === 0) return [...head, 'Skipped (BENCH_LOGIN_SECONDS=0).', ''];
  return [
    ...head,
    'How many password logins a second one Tessera process completes for each scheme a tenant may choose, at its production factor',
    `(${LOGIN_SCHEMES.filter((s) => !s.reference).map((s) => `${s.scheme} at ${s.label}`).join('; ')}),`,
    'and what a login costs beyond the bare hash. A last row per back end runs pbkdf2 at 1,000 iterations, not a production factor: its hash is so short',
    'that what the rest of a login costs shows on its own (the goal does not apply to it).',
    'For each scheme: a tenant created through `POST /api/tenant` with that `passwordEncryptionConfiguration` and every other setting at its default',
    '(user lockout on), one user created with a password through the Vault API (`POST /tenants/{id}/users`, so the server hashed it). Then',
    `${loginSettings.rounds} rounds, each of two runs of ${loginSettings.seconds} s (after an unrecorded ${loginSettings.warmupSeconds} s warm-up): \`POST /api/login\` (\`X-FusionAuth-TenantId\`, \`{loginId, password}\` with the correct`,
    `password only, a JWT issued every time) over ${loginSettings.connections} connections (2 × the ${cores} cores \`os.availableParallelism()\` reports) from autocannon in a child process;`,
    `and, in the server’s process without HTTP, \`verifyPassword\` on that user’s stored hash with ${loginSettings.connections} verifications in flight (“bare verify”). The two runs alternate which goes first.`,
    '',
    '**Login cost vs bare verify (CPU)** = CPU time per login ÷ CPU time per bare verify − 1, in the median round (the rounds’ range beside it).',
    'CPU time is the server process’s, every thread (event loop and hashing pool), plus on PostgreSQL the database server’s processes (read from /proc);',
    'the load generator runs in its own process and is not counted. It is what a login costs beyond its hash (HTTP, API key, tenant and user look-ups,',
    'the lockout counter’s two writes, the JWT signature) and it does not depend on what else shares the cores; the goal is at most 10 % (✗ marks a miss).',
    'Throughput (bare verifies/s ÷ logins/s − 1) is shown too: on this 2-core machine the load generator and, on PostgreSQL, the database server',
    'take their CPU from the same cores as the hashes, so it is larger and varies with the machine’s other load.',
    'Logins/s are completions ÷ elapsed time in the median round; per core divides by `os.availableParallelism()`.',
    `The thread pool that runs the hashes has ${process.env.UV_THREADPOOL_SIZE} threads, sized as \`npm start\` sizes it. Load (1 min) is the load average just before the first round.`,
    '',
    loginTable(reports.flatMap((r) => r.logins)),
    '',
    'Where the time goes, in the median round: the busy time of the server’s main thread (HTTP, API key, tenant and user look-ups, the lockout writes,',
    'the JWT; the hashes run on the thread pool, so a bare verify’s main-thread time is only its dispatch) and, on PostgreSQL, the database server’s CPU.',
    '',
    loginCostTable(reports.flatMap((r) => r.logins)),
    '',
    '**Reading these numbers.** On this machine (a 2-vCPU virtual machine shared with other work) a round’s CPU time varies by tens of per cent',
    'from one round to the next for the same work, hence the medians and ranges. Compare the reference row’s “CPU beyond the hash”, what a login’s',
    'own work costs when the server never waits, with the same column for the production factors: the same work costs more there, and so does the',
    'bare verify’s dispatch (its main-thread time one at a time). While a hash runs the event loop sleeps; every wake-up after such a sleep costs',
    'this virtual CPU extra time, and a login wakes more often than a bare verify (the request, the hash, the JWT signature; on PostgreSQL each',
    'query). Relative to a 24,000-iteration pbkdf2 hash, the cheapest of the three, that is what keeps the login cost above 10 %.',
    '',
    ...reports.flatMap((r) => (r.loginNotes.length ? [`**${r.backend.name}**`, '', ...r.loginNotes.map((n) => `- ${n}`), ''] : [])),
  ];
}

function usersSection(reports: BackendReport[]): string[] {
  const n = userSettings.users;
  if (n === 0) return ['## Users: list and search at scale', '', 'Skipped (BENCH_USERS=0).', ''];
  const done = reports.flatMap((r) => (r.users ? [r.users] : []));
  return [
    `## Users: list and search in one tenant of ${n.toLocaleString('en')} users`,
    '',
    `**Fill.** How long it takes to put ${n.toLocaleString('en')} users into one fresh tenant:`,
    userSettings.fill === 'api'
      ? `\`POST /tenants/{id}/users/batch\` with ${userSettings.batch.toLocaleString('en')} users a request, ${userSettings.fillConnections} requests in flight, every user with an imported bcrypt hash (nothing is hashed),` +
        ' each answer checked (all created, none failed or duplicate).' +
        ` To keep the run bounded the API gets ${userSettings.fillApiSeconds} s (BENCH_FILL_API_SECONDS); whatever is left then is inserted directly through Kysely with`
      : 'BENCH_FILL=direct: every user inserted directly through Kysely with',
    '`KyselyUserRepository.insert` from `src/storage/users.ts` (the same rows, 10,000 a transaction, without HTTP, validation or duplicate checks).',
    'Usernames (`user` + digits) and emails (`m` + digits `@bench.example`) follow two different permutations of the user number, so neither index fills in order.',
    'Stored is counted in the database afterwards; Size is what the users take on disk.',
    '',
    fillTable(done),
    '',
    `**Queries.** The latency of each Vault user query on that tenant: one unrecorded request (its answer is checked, see Response), up to ${userSettings.unloadedSamples}`,
    'sequential requests on the otherwise idle server (**Unloaded**: their median, in ms), then autocannon over',
    `${userSettings.connections} connections for ${userSettings.seconds} s — longer for a slow query, 2 × connections × its unloaded latency up to ${userSettings.maxSeconds} s, so that some requests complete (120 s request timeout).`,
    'list is `GET /tenants/{id}/users` (limit 10, newest first, with `total_count`); the prefix searches match exactly 10 users; by username is',
    '`GET …/users/by-username/{name}`; the last reads the page in the middle of the tenant sorted by username (`sort_by=username&sort_direction=1&offset=…&limit=10`).',
    'On SQLite every query runs on the server’s one thread, so under load a request also waits for the queries queued before it: p50 ≈ connections × unloaded.',
    '',
    queryTable(done.flatMap((u) => u.rows)),
    '',
    '**The SQL behind them.** The statements each route runs, captured by calling `src/storage/users.ts` on a second, logging connection, timed alone on the idle',
    'server (median of 3, in ms) before the load above. On PostgreSQL Tessera itself runs `VACUUM (ANALYZE) users` in the background during bulk imports',
    '(src/storage/statistics.ts; this server runs with autovacuum off); should the table still have had no planner statistics, they are timed again after one. The plans',
    '(`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL) are in the collapsed sections.',
    '',
    statementTable(done),
    '',
    ...done.flatMap((u) => [...(u.notes.length ? [`**${u.backend}**`, '', ...u.notes.map((x) => `- ${x}`), ''] : []), ...statementDetails(u)]),
  ];
}

// --- main -------------------------------------------------------------------------------------

let measuredRevision = 'unknown';

async function main(): Promise<number> {
  measuredRevision = revision();
  const started = Date.now();
  const date = new Date();
  const loadAtStart = os.loadavg();
  const { backends, skipped } = await benchBackends(log);
  const reports: BackendReport[] = [];
  for (const backend of backends) {
    checkAborted();
    reports.push(await benchBackend(backend));
  }
  const failures = reports.flatMap((r) => [
    ...[...r.rows, ...(r.users?.rows ?? [])]
      .filter((row) => row.non2xx > 0 || row.errors > 0)
      .map((row) => `${row.backend} ${row.scenario}: ${row.non2xx} non-2xx, ${row.errors} errors/timeouts`),
    ...r.logins.filter((row) => row.non2xx > 0 || row.errors > 0).map((row) => `${row.backend} login ${row.scheme}: ${row.non2xx} non-2xx (${row.statuses}), ${row.errors} errors/timeouts`),
    ...[...r.notes, ...r.loginNotes, ...(r.users?.notes ?? [])].filter((n) => n.startsWith('MISMATCH')).map((n) => `${r.backend.name}: ${n}`),
  ]);
  // 6. The OpenID Provider (its own servers and databases; SQLite only).
  const oidcSection = /^(0|off|false|no)$/i.test(process.env.BENCH_OIDC ?? '')
    ? [OIDC_START, '## OpenID Provider: Tessera tenant vs bare oidc-provider 9', '', 'Skipped (BENCH_OIDC=off).', OIDC_END].join('\n')
    : (await benchOidc()).section;
  const markdown = report(reports, skipped, date, loadAtStart, oidcSection);
  process.stdout.write(`${markdown}\n`);
  log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length) {
    for (const failure of failures) log(`FAILED: ${failure}`);
    log(`${REPORT_FILE} left unchanged`);
    return 1;
  }
  fs.writeFileSync(REPORT_FILE, markdown);
  log(`wrote ${REPORT_FILE}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isAborted()) {
      log(`interrupted; servers stopped and databases dropped, ${REPORT_FILE} left unchanged`);
      process.exitCode = 130;
      return;
    }
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
