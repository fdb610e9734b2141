/**
 * `npm run bench`: HTTP throughput of the FusionAuth tenant API on each storage back end.
 *
 * For SQLite (a temp file) and PostgreSQL (a throwaway database, see ./backends.ts) it starts a
 * real Tessera in this process with `startServer` on 127.0.0.1 and an ephemeral port, then drives
 * it with autocannon over loopback:
 *   1. tenant create — POST /api/tenant, a fixed number of requests, unique names;
 *   2. tenant read   — GET /api/tenant/{id}, fixed duration;
 *   3. tenant list   — GET /api/tenant (after the creates), fixed duration.
 * Every response must be 2xx (no errors, no timeouts); otherwise the run exits 1 and
 * BENCHMARKS.md is left as it was. On success the Markdown report is printed to stdout and
 * written to BENCHMARKS.md at the repository root. Progress goes to stderr.
 *
 * Knobs (environment): BENCH_CREATES (150), BENCH_CREATE_CONNECTIONS (4), BENCH_READ_SECONDS (10),
 * BENCH_LIST_SECONDS (5), BENCH_CONNECTIONS (10, read and list), BENCH_WORKERS (1: autocannon
 * runs in a worker thread, off the server's event loop; 0: on the same thread),
 * BENCH_POSTGRES=off, TEST_DATABASE_URL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type Config, loadConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { type BenchBackend, type BenchDatabase, benchBackends } from './backends.js';

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

const settings = {
  creates: intFromEnv('BENCH_CREATES', 150, 1),
  createConnections: intFromEnv('BENCH_CREATE_CONNECTIONS', 4, 1),
  readSeconds: intFromEnv('BENCH_READ_SECONDS', 10, 1),
  listSeconds: intFromEnv('BENCH_LIST_SECONDS', 5, 1),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1),
  workers: intFromEnv('BENCH_WORKERS', 1, 0),
  warmupSeconds: 1,
};

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPORT_FILE = path.join(REPO_ROOT, 'BENCHMARKS.md');

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Row {
  backend: string;
  scenario: string;
  connections: number;
  /** Completed requests (all statuses). */
  requests: number;
  seconds: number;
  rps: number;
  /** Latencies in ms (autocannon records whole milliseconds). */
  mean: number;
  p50: number;
  p975: number;
  p99: number;
  non2xx: number;
  /** Connection errors plus timeouts. */
  errors: number;
  /** Mean response body size in bytes. */
  bytesPerResponse: number;
}

interface BackendReport {
  backend: BenchBackend;
  rows: Row[];
  notes: string[];
}

// --- stopping cleanly -------------------------------------------------------------------------

let aborted = false;
let current: autocannon.Instance | undefined;
process.once('SIGINT', () => {
  aborted = true;
  log('interrupted: stopping the load, then cleaning up (Ctrl-C again to force)');
  current?.stop();
  process.once('SIGINT', () => process.exit(130));
});
function checkAborted(): void {
  if (aborted) throw new Error('interrupted');
}

// --- one autocannon run -----------------------------------------------------------------------

type RunOptions = Omit<autocannon.Options, 'url' | 'workers'> & {
  path: string;
  /** Generate the load on this thread even when BENCH_WORKERS > 0 (needed for `setupRequest`). */
  sameThread?: boolean;
};

interface LoadResult {
  result: autocannon.Result;
  /** Seconds from the start of the run to the last response (only tracked on the same thread). */
  toLastResponse?: number;
}

async function load(baseUrl: string, options: RunOptions): Promise<LoadResult> {
  checkAborted();
  const { path: urlPath, sameThread, ...rest } = options;
  const url = new URL(urlPath, baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to send load anywhere but 127.0.0.1 (${url.host})`);
  const workers = sameThread ? 0 : settings.workers;
  const started = process.hrtime.bigint();
  let lastResponse = started;
  current = autocannon({ ...rest, url: url.toString(), ...(workers > 0 ? { workers } : {}) });
  if (workers === 0) {
    current.on('response', () => {
      lastResponse = process.hrtime.bigint();
    });
  }
  try {
    const result = await current;
    return { result, ...(workers === 0 ? { toLastResponse: Number(lastResponse - started) / 1e9 } : {}) };
  } finally {
    current = undefined;
  }
}

/**
 * A duration-bounded run's rate is autocannon's mean of per-second samples. An amount-bounded
 * run only ends at the sample tick after its last response (so its duration is rounded up to
 * whole seconds); its rate is completed requests over the time to the last response instead.
 */
function toRow(backend: string, scenario: string, { result, toLastResponse }: LoadResult): Row {
  const completed = result.requests.total;
  const exact = toLastResponse !== undefined && toLastResponse > 0;
  return {
    backend,
    scenario,
    connections: result.connections,
    requests: completed,
    seconds: exact ? toLastResponse : result.duration,
    rps: exact ? completed / toLastResponse : result.requests.average,
    mean: result.latency.average,
    p50: result.latency.p50,
    p975: result.latency.p97_5,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerResponse: completed ? result.throughput.total / completed : 0,
  };
}

// --- a small HTTP helper for set-up and checks ------------------------------------------------

async function call(baseUrl: string, apiKey: string, method: string, urlPath: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(new URL(urlPath, baseUrl), {
    method,
    headers: { authorization: apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

// --- one back end -----------------------------------------------------------------------------

async function benchBackend(backend: BenchBackend): Promise<BackendReport> {
  const rows: Row[] = [];
  const notes: string[] = [];
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
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
        `(${new Set(benchTenants.map((t) => t.name)).size} distinct), each with two new RSA-2048 signing keys.`,
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
    return { backend, rows, notes };
  } finally {
    if (server) await server.stop().catch((error: unknown) => log(`${backend.name}: stopping the server failed: ${String(error)}`));
    if (database) await database.drop().catch((error: unknown) => log(`${backend.name}: dropping the database failed: ${String(error)}`));
  }
}

// --- report -----------------------------------------------------------------------------------

/** Percentiles are whole milliseconds; 0 means under 1 ms. */
const ms = (value: number) => (value === 0 ? '<1' : value.toFixed(0));
const meanMs = (value: number) => (value < 100 ? value.toFixed(2) : value.toFixed(0));
const perSecond = (value: number) => (value < 100 ? value.toFixed(1) : value.toFixed(0));

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

function machine(): string[] {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ');
  return [
    `- Node.js ${process.version} on ${os.type()} ${os.release()} (${os.arch()})`,
    `- CPU: ${cpus.length} × ${models}`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  ];
}

function report(reports: BackendReport[], skipped: string | undefined, date: Date, loadAtStart: number[]): string {
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
    '',
    `Read and list are each preceded by an unrecorded ${settings.warmupSeconds} s warm-up; their Req/s is autocannon’s mean of per-second samples.`,
    'All requests carry the superuser API key in `Authorization`. Latencies are in milliseconds as autocannon records them',
    '(whole milliseconds, so “<1” is under one millisecond; the mean is over those whole values).',
    'Non-2xx responses, connection errors and timeouts must all be 0, or the run exits 1 and this file is left unchanged.',
    '',
    '## Machine',
    '',
    `- Date: ${date.toISOString()}`,
    ...machine(),
    `- Load average (1/5/15 min) when the run started: ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}` +
      ` (on ${os.cpus().length} CPUs; well above 0 means other work was sharing the machine)`,
    ...reports.map((r) => `- ${r.backend.name}: ${r.backend.version}`),
    ...(skipped ? [`- ${skipped}`] : []),
    '',
    '## Results',
    '',
    table(reports.flatMap((r) => r.rows)),
    '',
    ...reports.flatMap((r) => [`**${r.backend.name}**`, '', ...r.notes.map((n) => `- ${n}`), '']),
  ].join('\n');
}

// --- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
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
    ...r.rows.filter((row) => row.non2xx > 0 || row.errors > 0).map((row) => `${row.backend} ${row.scenario}: ${row.non2xx} non-2xx, ${row.errors} errors/timeouts`),
    ...r.notes.filter((n) => n.startsWith('MISMATCH')).map((n) => `${r.backend.name}: ${n}`),
  ]);
  const markdown = report(reports, skipped, date, loadAtStart);
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
    if (aborted) {
      log(`interrupted; servers stopped and databases dropped, ${REPORT_FILE} left unchanged`);
      process.exitCode = 130;
      return;
    }
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
