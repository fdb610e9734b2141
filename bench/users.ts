/**
 * The Vault user list and search at scale: one fresh tenant filled with BENCH_USERS users
 * (1,000,000 by default; 0 skips), then five read queries, each measured with autocannon.
 *
 * Fill: through the batch API (POST /tenants/{id}/users/batch, 10,000 users a request), every
 * user with an imported bcrypt hash so nothing is hashed. The API fill is bounded: once it has
 * run BENCH_FILL_API_SECONDS, the remaining batches are inserted directly through Kysely and
 * src/storage/users.ts (`KyselyUserRepository.insert`, the rows the API would write, without HTTP,
 * validation or duplicate checks); BENCH_FILL=direct does that from the start. Usernames and
 * emails follow two different permutations of the user number, so neither index is filled in
 * order and username order differs from email order.
 *
 * Then, on the idle server, the SQL those routes run is captured by calling src/storage/users.ts
 * on a second, logging connection to the same database, and each statement is timed alone and
 * explained.
 * Each query: one unrecorded request (its answer is checked; on SQLite it also waits out what
 * the previous load left queued; on PostgreSQL the bench first waits until no query of this
 * database is active), sequential requests on the idle server (the unloaded latency), then
 * autocannon with BENCH_QUERY_CONNECTIONS connections for BENCH_QUERY_SECONDS, stretched for
 * a slow query to 2 × connections × its unloaded latency (at most MAX_QUERY_SECONDS) so that
 * some requests complete. On PostgreSQL without planner statistics (autovacuum off, or not yet
 * run), the statements are timed and explained once more after VACUUM (ANALYZE).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.js';
import type { RunningServer } from '../src/server.js';
import type { User, UserQuery } from '../src/core/users/user.js';
import { KyselyUserRepository } from '../src/storage/users.js';
import { type Row, call, checkAborted, intFromEnv, load, log, meanMs, ms, perSecond, toRow } from './harness.js';

export const userSettings = {
  /** 0 skips the scenario. */
  users: intFromEnv('BENCH_USERS', 1_000_000, 0),
  batch: 10_000,
  fillConnections: intFromEnv('BENCH_FILL_CONNECTIONS', 2, 1),
  fill: (process.env.BENCH_FILL || 'api') as 'api' | 'direct',
  /** After this long, the API fill hands the remaining batches to direct inserts. */
  fillApiSeconds: intFromEnv('BENCH_FILL_API_SECONDS', 240, 1),
  seconds: intFromEnv('BENCH_QUERY_SECONDS', 5, 1),
  maxSeconds: 15,
  connections: intFromEnv('BENCH_QUERY_CONNECTIONS', 10, 1),
  unloadedSamples: 5,
};
if (userSettings.fill !== 'api' && userSettings.fill !== 'direct') throw new Error(`BENCH_FILL must be api or direct, got "${String(userSettings.fill)}"`);
if (userSettings.users !== 0 && userSettings.users < 100) throw new Error('BENCH_USERS must be 0 (skip) or at least 100');

/** A valid-looking bcrypt (cost 10) modular-crypt string; imported as is, never verified here. */
const IMPORTED_BCRYPT = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';

export interface UsersContext {
  backend: 'sqlite' | 'postgres';
  baseUrl: string;
  apiKey: string;
  server: RunningServer;
  /** The SQLite file, for its size. */
  databaseUrl: string;
}

export interface Fill {
  users: number;
  /** Users that went in through the batch API, their requests and time. */
  apiUsers: number;
  apiRequests: number;
  apiSeconds: number;
  /** Seconds the API took for each successive tenth of its batches (shows how it scales). */
  apiProgress: Array<{ users: number; seconds: number }>;
  /** The rest, inserted directly. */
  directUsers: number;
  directSeconds: number;
  connections: number;
  seconds: number;
  storedUsers: number;
  size: string;
}

export interface QueryRow extends Row {
  /** Median of sequential requests on an otherwise idle server (ms, sub-millisecond). */
  unloaded: number;
  /** What the response held (checked before the load). */
  check: string;
}

export interface StatementReport {
  /** When it was timed: as the fill left the database, or after VACUUM (ANALYZE). */
  phase: string;
  query: string;
  sql: string;
  parameters: readonly unknown[];
  /** Median of three runs (ms). */
  ms: number;
  plan: string[];
}

export interface UsersReport {
  backend: string;
  fill: Fill;
  rows: QueryRow[];
  statements: StatementReport[];
  notes: string[];
}

// --- the data ---------------------------------------------------------------------------------

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A multiplier near `start` that makes i → (i × m) mod n a permutation of 0…n−1. */
function coprime(n: number, start: number): number {
  let m = start;
  while (gcd(m, n) !== 1) m++;
  return m;
}

export function userNaming(n: number) {
  const digits = String(n - 1).length;
  const nameStep = coprime(n, 7919);
  const mailStep = coprime(n, 104729);
  const pad = (v: number) => String(v).padStart(digits, '0');
  const username = (i: number) => `user${pad((i * nameStep) % n)}`;
  const email = (i: number) => `m${pad((i * mailStep) % n)}@bench.example`;
  // A block of ten numbers, all below n: their shared prefix matches exactly ten users.
  const block = Math.floor(n / 2 / 10) * 10;
  const prefix = pad(block).slice(0, -1);
  return { username, email, usernamePrefix: `user${prefix}`, emailPrefix: `m${prefix}`, someUsername: `user${pad(block + 3)}` };
}

// --- fill -------------------------------------------------------------------------------------

function batchOfUsers(naming: ReturnType<typeof userNaming>, from: number, to: number) {
  const users = [];
  for (let i = from; i < to; i++) users.push({ username: naming.username(i), email: naming.email(i), encryption_scheme: 'bcrypt', factor: 10, hash: IMPORTED_BCRYPT });
  return users;
}

/** Batches through the API until they are done or the time is up; returns how many went in. */
async function fillThroughApi(ctx: UsersContext, tenantId: string, n: number, progress: Fill['apiProgress']): Promise<number> {
  const naming = userNaming(n);
  const batches = Math.ceil(n / userSettings.batch);
  const started = performance.now();
  const deadline = started + userSettings.fillApiSeconds * 1000;
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < batches && performance.now() < deadline) {
      checkAborted();
      const b = next++;
      const from = b * userSettings.batch;
      const to = Math.min(n, from + userSettings.batch);
      const answer = await call(ctx.baseUrl, ctx.apiKey, 'POST', `/tenants/${tenantId}/users/batch`, JSON.stringify({ users: batchOfUsers(naming, from, to) }));
      const created = answer.json?.success_created_count;
      if (answer.status !== 201 || created !== to - from || answer.json.fail_create_usernames.length || answer.json.duplicate_usernames.length) {
        throw new Error(`batch ${b} answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 500)}`);
      }
      done++;
      if (done % 10 === 0 || done === batches) {
        const seconds = (performance.now() - started) / 1000;
        progress.push({ users: Math.min(n, done * userSettings.batch), seconds });
        log(`${ctx.backend}: fill ${done}/${batches} batches, ${Math.min(n, done * userSettings.batch).toLocaleString('en')} users, ${seconds.toFixed(0)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(userSettings.fillConnections, batches) }, lane));
  return next;
}

/** Batches `fromBatch`… inserted through Kysely and KyselyUserRepository.insert, 10,000 users a transaction. */
async function fillDirect(ctx: UsersContext, tenantId: string, n: number, fromBatch: number): Promise<void> {
  const naming = userNaming(n);
  const db = ctx.server.database.db;
  const now = Date.now();
  const batches = Math.ceil(n / userSettings.batch);
  for (let b = fromBatch; b < batches; b++) {
    checkAborted();
    const users: User[] = [];
    for (let i = b * userSettings.batch; i < Math.min(n, (b + 1) * userSettings.batch); i++) {
      users.push({
        id: crypto.randomUUID(),
        tenantId,
        username: naming.username(i),
        email: naming.email(i),
        disabled: false,
        verified: false,
        locale: null,
        roles: [],
        externalId: null,
        data: {},
        password: { scheme: 'bcrypt', factor: 10, salt: null, hash: IMPORTED_BCRYPT },
        passwordChangedAt: now,
        passwordChangeRequired: false,
        createdAt: now,
        updatedAt: now,
      });
    }
    await db.transaction().execute((trx) => new KyselyUserRepository(trx, ctx.server.database.kind, tenantId).insert(users));
    if ((b + 1) % 10 === 0 || b + 1 === batches) log(`${ctx.backend}: fill (direct) ${b + 1}/${batches} batches`);
  }
}

async function storageSize(ctx: UsersContext): Promise<string> {
  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  if (ctx.backend === 'sqlite') {
    const file = ctx.databaseUrl.slice('sqlite:'.length);
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    return `${mib(size(file) + size(`${file}-wal`))} (database file + WAL)`;
  }
  const { rows } = await ctx.server.database.db.executeQuery<{ total: string; indexes: string }>(
    compiled("select pg_total_relation_size('users')::text as total, pg_indexes_size('users')::text as indexes"),
  );
  return `${mib(Number(rows[0]?.total))} (users table with its indexes; indexes ${mib(Number(rows[0]?.indexes))})`;
}

function compiled(sqlText: string, parameters: readonly unknown[] = []): CompiledQuery {
  return CompiledQuery.raw(sqlText, [...parameters]);
}

// --- the SQL a route runs, captured from src/storage/users.ts ---------------------------------

/**
 * Runs the storage calls on a second, logging connection to the same database and returns the
 * statements they executed, in order (real rows flow, so statements that depend on earlier
 * results are captured too). SQLite's connection is read-only.
 */
async function captureSql(ctx: UsersContext, work: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const log = (event: { level: string; query: CompiledQuery }) => {
    if (event.level === 'query') captured.push(event.query);
  };
  const db =
    ctx.backend === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(ctx.databaseUrl.slice('sqlite:'.length), { readonly: true }) }), log })
      : new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ctx.databaseUrl, max: 1 }) }), log });
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
  return captured;
}

async function explain(ctx: UsersContext, query: CompiledQuery): Promise<string[]> {
  const db = ctx.server.database.db;
  if (ctx.backend === 'sqlite') {
    const { rows } = await db.executeQuery<{ id: number; parent: number; detail: string }>(compiled(`EXPLAIN QUERY PLAN ${query.sql}`, query.parameters));
    const depth = new Map<number, number>([[0, 0]]);
    return rows.map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d - 1)}${r.detail}`;
    });
  }
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(compiled(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.parameters));
  return rows.map((r) => r['QUERY PLAN']);
}

async function timeStatement(ctx: UsersContext, query: CompiledQuery): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await ctx.server.database.db.executeQuery(query);
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b)[1]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PostgreSQL: wait (at most 120 s) until no other query of this database is running, e.g. what a load left in flight. */
async function drain(ctx: UsersContext): Promise<void> {
  if (ctx.backend !== 'postgres') return;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { rows } = await ctx.server.database.db.executeQuery<{ n: number }>(
      compiled("select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()"),
    );
    if (!rows[0]?.n) return;
    await sleep(200);
  }
}

async function pgStatistics(ctx: UsersContext): Promise<{ analyzed: boolean; text: string }> {
  const { rows } = await ctx.server.database.db.executeQuery<{ last_analyze: string | null; last_autoanalyze: string | null; autovacuum: string }>(
    compiled("select last_analyze::text, last_autoanalyze::text, current_setting('autovacuum') as autovacuum from pg_stat_user_tables where relname = 'users'"),
  );
  const s = rows[0];
  return {
    analyzed: Boolean(s?.last_analyze || s?.last_autoanalyze),
    text: `autovacuum ${s?.autovacuum ?? '?'}; users last analyzed ${s?.last_analyze ?? 'never'}, last auto-analyzed ${s?.last_autoanalyze ?? 'never'}`,
  };
}

async function explainAll(ctx: UsersContext, queries: QuerySpec[], tenantId: string, phase: string, into: StatementReport[]): Promise<void> {
  for (const q of queries) {
    checkAborted();
    for (const statement of await captureSql(ctx, (db) => q.storage(db, tenantId))) {
      into.push({ phase, query: q.name, sql: statement.sql, parameters: statement.parameters, ms: await timeStatement(ctx, statement), plan: await explain(ctx, statement) });
    }
  }
}

// --- the scenario -----------------------------------------------------------------------------

interface QuerySpec {
  name: string;
  path: string;
  /** What the response must hold; returns a short description. */
  check(json: any): string;
  /** The storage calls the route makes. */
  storage(db: Kysely<Database>, tenantId: string): Promise<unknown>;
}

function listQuery(over: Partial<UserQuery>): UserQuery {
  return { limit: 10, offset: 0, sortBy: 'created_at', sortDirection: -1, ...over };
}

export async function benchUsers(ctx: UsersContext): Promise<UsersReport> {
  const n = userSettings.users;
  const notes: string[] = [];
  const { backend, baseUrl, apiKey } = ctx;
  const naming = userNaming(n);

  const created = await call(baseUrl, apiKey, 'POST', '/api/tenant', { tenant: { name: 'Bench users' } });
  if (created.status !== 200) throw new Error(`creating the users tenant answered ${created.status}: ${JSON.stringify(created.json)}`);
  const tenantId: string = created.json.tenant.id;
  const usersPath = `/tenants/${tenantId}/users`;

  log(`${backend}: fill — ${n.toLocaleString('en')} users, ${userSettings.fill === 'api' ? `batch API, ${userSettings.fillConnections} requests in flight, for at most ${userSettings.fillApiSeconds} s` : 'direct Kysely inserts'}`);
  const fillStarted = performance.now();
  const apiProgress: Fill['apiProgress'] = [];
  const apiBatches = userSettings.fill === 'api' ? await fillThroughApi(ctx, tenantId, n, apiProgress) : 0;
  const apiSeconds = (performance.now() - fillStarted) / 1000;
  const apiUsers = Math.min(n, apiBatches * userSettings.batch);
  if (apiUsers < n) {
    if (userSettings.fill === 'api') log(`${backend}: the API fill took its ${userSettings.fillApiSeconds} s; inserting the remaining ${(n - apiUsers).toLocaleString('en')} users directly`);
    await fillDirect(ctx, tenantId, n, apiBatches);
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const counted = await ctx.server.database.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const fill: Fill = {
    users: n,
    apiUsers,
    apiRequests: apiBatches,
    apiSeconds: apiUsers > 0 ? apiSeconds : 0,
    apiProgress,
    directUsers: n - apiUsers,
    directSeconds: fillSeconds - (apiUsers > 0 ? apiSeconds : 0),
    connections: userSettings.fillConnections,
    seconds: fillSeconds,
    storedUsers: Number(counted.n),
    size: await storageSize(ctx),
  };
  log(`${backend}: filled in ${fillSeconds.toFixed(0)} s (${(n / fillSeconds).toFixed(0)} users/s); ${fill.storedUsers} stored; ${fill.size}`);
  if (fill.storedUsers !== n) notes.push(`MISMATCH: ${n} users sent, ${fill.storedUsers} stored.`);

  const half = Math.floor(n / 2);
  const expectPage = (json: any, rows: number, total: number | undefined, what: string) => {
    if (!Array.isArray(json?.data) || json.data.length !== rows || (total !== undefined && json.total_count !== total)) {
      throw new Error(`${what}: expected ${rows} rows${total !== undefined ? ` of ${total}` : ''}, got ${JSON.stringify(json).slice(0, 300)}`);
    }
    return `${json.data.length} rows, total_count ${json.total_count}`;
  };
  const queries: QuerySpec[] = [
    {
      name: 'list (default: limit 10, created_at desc, total_count)',
      path: usersPath,
      check: (json) => expectPage(json, 10, n, 'default list'),
      storage: (db, t) => new KyselyUserRepository(db, ctx.server.database.kind, t).list(listQuery({})),
    },
    {
      name: `username prefix \`${naming.usernamePrefix}\``,
      path: `${usersPath}?username=${naming.usernamePrefix}&limit=10`,
      check: (json) => expectPage(json, 10, 10, 'username prefix'),
      storage: (db, t) => new KyselyUserRepository(db, ctx.server.database.kind, t).list(listQuery({ username: naming.usernamePrefix })),
    },
    {
      name: `email prefix \`${naming.emailPrefix}\``,
      path: `${usersPath}?email=${naming.emailPrefix}&limit=10`,
      check: (json) => expectPage(json, 10, 10, 'email prefix'),
      storage: (db, t) => new KyselyUserRepository(db, ctx.server.database.kind, t).list(listQuery({ email: naming.emailPrefix })),
    },
    {
      name: 'by username',
      path: `${usersPath}/by-username/${naming.someUsername}`,
      check: (json) => {
        if (json?.username !== naming.someUsername) throw new Error(`by-username: got ${JSON.stringify(json).slice(0, 300)}`);
        return `user ${json.username}`;
      },
      storage: (db, t) => new KyselyUserRepository(db, ctx.server.database.kind, t).findByUsername(naming.someUsername),
    },
    {
      name: `sort by username, offset ${half.toLocaleString('en')}`,
      path: `${usersPath}?sort_by=username&sort_direction=1&offset=${half}&limit=10`,
      check: (json) => {
        const summary = expectPage(json, 10, n, 'offset page');
        const names: string[] = json.data.map((u: { username: string }) => u.username);
        const expected = Array.from({ length: 10 }, (_, k) => `user${String(half + k).padStart(String(n - 1).length, '0')}`);
        if (names.join() !== expected.join()) throw new Error(`offset page: expected ${expected.join()}, got ${names.join()}`);
        return `${summary}, ${names[0]}…${names.at(-1)}`;
      },
      storage: (db, t) => new KyselyUserRepository(db, ctx.server.database.kind, t).list(listQuery({ sortBy: 'username', sortDirection: 1, offset: half })),
    },
  ];

  // The statements behind each route, timed alone and explained on the idle server.
  const statements: StatementReport[] = [];
  const asFilled = ctx.backend === 'postgres' ? await pgStatistics(ctx) : undefined;
  await explainAll(ctx, queries, tenantId, 'as filled', statements);

  const rows: QueryRow[] = [];
  for (const q of queries) {
    checkAborted();
    await drain(ctx);
    const first = await call(baseUrl, apiKey, 'GET', q.path);
    if (first.status !== 200) throw new Error(`${q.name}: GET ${q.path} answered ${first.status}: ${JSON.stringify(first.json).slice(0, 300)}`);
    const check = q.check(first.json);
    const samples: number[] = [];
    for (let i = 0; i < userSettings.unloadedSamples; i++) {
      const t0 = performance.now();
      const answer = await call(baseUrl, apiKey, 'GET', q.path);
      samples.push(performance.now() - t0);
      if (answer.status !== 200) throw new Error(`${q.name}: GET ${q.path} answered ${answer.status}`);
      if (samples[0]! > 500 && samples.length >= 3) break; // a slow query: three samples will do
    }
    const unloaded = samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    const seconds = Math.min(userSettings.maxSeconds, Math.max(userSettings.seconds, Math.ceil((2 * userSettings.connections * unloaded) / 1000)));
    log(`${backend}: ${q.name} — unloaded ${unloaded.toFixed(1)} ms; ${seconds} s, ${userSettings.connections} connections`);
    const run = await load(baseUrl, { path: q.path, headers: { authorization: apiKey }, duration: seconds, connections: userSettings.connections, timeout: 120 });
    const row = { ...toRow(backend, q.name, run), unloaded, check };
    if (row.requests < 2 * userSettings.connections) {
      row.check += `; only ${row.requests} requests completed in ${seconds} s, so the percentiles are those of the first requests (queued behind fewer others), not a steady state`;
    }
    rows.push(row);
  }

  if (ctx.backend === 'postgres') {
    notes.push(`planner statistics when the queries ran: ${asFilled?.text ?? '?'}.`);
    if (asFilled && !asFilled.analyzed) {
      // What a database whose autovacuum has caught up would plan: the statements once more after VACUUM (ANALYZE).
      await drain(ctx);
      const t0 = performance.now();
      await ctx.server.database.db.executeQuery(compiled('VACUUM (ANALYZE) users'));
      notes.push(`then VACUUM (ANALYZE) users took ${((performance.now() - t0) / 1000).toFixed(1)} s, and the statements were timed and explained again (the HTTP numbers above are from before it).`);
      await explainAll(ctx, queries, tenantId, 'after VACUUM (ANALYZE)', statements);
    }
  } else {
    const { rows: stat } = await ctx.server.database.db.executeQuery<{ n: number }>(compiled("select count(*) as n from sqlite_master where name = 'sqlite_stat1'"));
    notes.push(`planner statistics: ${stat[0]?.n ? 'sqlite_stat1 exists' : 'none (ANALYZE has never run; SQLite plans from its built-in heuristics)'}.`);
  }
  if (fill.apiProgress.length > 1) {
    let previous = { users: 0, seconds: 0 };
    const steps = fill.apiProgress.map((p) => {
      const step = `${(previous.users / 1000).toFixed(0)}k→${(p.users / 1000).toFixed(0)}k ${(p.seconds - previous.seconds).toFixed(0)} s`;
      previous = p;
      return step;
    });
    notes.push(`the batch API fill, time for each successive step of users in the tenant: ${steps.join(', ')}.`);
  }
  return { backend, fill, rows, statements, notes };
}

// --- report -----------------------------------------------------------------------------------

export function fillTable(reports: UsersReport[]): string {
  const lines = [
    '| Back end | Users | Through the batch API | API time (s) | API users/s | Inserted directly | Direct time (s) | Total time (s) | Stored | Size |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const { backend, fill: f } of reports) {
    lines.push(
      `| ${backend} | ${f.users.toLocaleString('en')} | ${f.apiUsers.toLocaleString('en')} (${f.apiRequests} requests, ${f.connections} in flight) | ${f.apiSeconds.toFixed(1)} | ` +
        `${f.apiSeconds > 0 ? (f.apiUsers / f.apiSeconds).toFixed(0) : '–'} | ${f.directUsers.toLocaleString('en')} | ${f.directUsers ? f.directSeconds.toFixed(1) : '–'} | ${f.seconds.toFixed(1)} | ` +
        `${f.storedUsers.toLocaleString('en')} | ${f.size} |`,
    );
  }
  return lines.join('\n');
}

export function queryTable(rows: QueryRow[]): string {
  const lines = [
    '| Back end | Query | Conns | Requests | Duration (s) | Req/s (avg) | Mean (ms) | p50 (ms) | p97.5 (ms) | p99 (ms) | Non-2xx | Errors | Unloaded (ms) | Response |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.backend} | ${r.scenario} | ${r.connections} | ${r.requests} | ${r.seconds.toFixed(1)} | ${perSecond(r.rps)} | ${meanMs(r.mean)} | ${ms(r.p50)} | ${ms(r.p975)} | ${ms(r.p99)} | ${r.non2xx} | ${r.errors} | ${r.unloaded.toFixed(1)} | ${r.check} |`,
    );
  }
  return lines.join('\n');
}

/** A short name for a statement of KyselyUserRepository.list / findByUsername. */
function statementKind(sqlText: string): string {
  if (/count\(\*\)/i.test(sqlText)) return 'total_count: `count(*)` over the matches';
  if (/tenant_user_counts/.test(sqlText)) return 'total_count: the tenant’s kept count';
  if (/\blimit\b/i.test(sqlText)) return /^select \*/i.test(sqlText) ? 'the page: rows, `limit`/`offset`' : 'the page: ids from an index, `limit`/`offset`';
  if (/"id" in \(/.test(sqlText)) return 'the page’s rows by id';
  return 'the row';
}

/** One line per statement: how long it takes alone, per phase. */
export function statementTable(reports: UsersReport[]): string {
  const phases = [...new Set(reports.flatMap((r) => r.statements.map((s) => s.phase)))];
  const lines = ['| Back end | Query | Statement | ' + phases.map((p) => `${p} (ms)`).join(' | ') + ' |', '|---|---|---|' + phases.map(() => '--:|').join('')];
  for (const r of reports) {
    const keys = [...new Set(r.statements.map((s) => `${s.query}\u0000${s.sql}`))];
    for (const key of keys) {
      const [query, sqlText] = key.split('\u0000') as [string, string];
      const kind = statementKind(sqlText);
      const cells = phases.map((p) => {
        const s = r.statements.find((x) => x.phase === p && x.query === query && x.sql === sqlText);
        return s ? meanMs(s.ms) : '–';
      });
      lines.push(`| ${r.backend} | ${query} | ${kind} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

export function statementDetails(report: UsersReport): string[] {
  const out = [`<details><summary>${report.backend}: the SQL behind each query and its plan</summary>`, ''];
  for (const s of report.statements) {
    out.push(`**${s.query}** — ${s.phase}: ${meanMs(s.ms)} ms`, '', '```sql', `${s.sql}`, `-- parameters: ${JSON.stringify(s.parameters)}`, ...s.plan.map((l) => `-- ${l}`), '```', '');
  }
  out.push('</details>', '');
  return out;
}
