/**
 * What every benchmark scenario shares: environment knobs, progress on stderr, stopping cleanly
 * on Ctrl-C, one bounded autocannon run against 127.0.0.1, a result row, a small HTTP helper for
 * set-up and checks, and number formatting for the report.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** BENCH_WORKERS: autocannon's worker threads for duration-bounded runs (0: the calling thread). */
export const workerThreads = intFromEnv('BENCH_WORKERS', 1, 0);

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface Row {
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

// --- stopping cleanly -------------------------------------------------------------------------

let aborted = false;
let current: autocannon.Instance | undefined;
process.once('SIGINT', () => {
  aborted = true;
  log('interrupted: stopping the load, then cleaning up (Ctrl-C again to force)');
  current?.stop();
  process.once('SIGINT', () => process.exit(130));
});
export function isAborted(): boolean {
  return aborted;
}
export function checkAborted(): void {
  if (aborted) throw new Error('interrupted');
}

// --- one autocannon run -----------------------------------------------------------------------

export type RunOptions = Omit<autocannon.Options, 'url' | 'workers'> & {
  path: string;
  /** Generate the load on this thread even when BENCH_WORKERS > 0 (needed for `setupRequest`). */
  sameThread?: boolean;
};

export interface LoadResult {
  result: autocannon.Result;
  /** Seconds from the start of the run to the last response (only tracked on the same thread). */
  toLastResponse?: number;
}

export async function load(baseUrl: string, options: RunOptions): Promise<LoadResult> {
  checkAborted();
  const { path: urlPath, sameThread, ...rest } = options;
  const url = new URL(urlPath, baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to send load anywhere but 127.0.0.1 (${url.host})`);
  if (rest.amount === undefined && !(typeof rest.duration === 'number' && rest.duration > 0 && rest.duration <= 600)) {
    throw new Error('every run is bounded: give an amount or a duration of at most 600 s');
  }
  const workers = sameThread ? 0 : workerThreads;
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

const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * One duration-bounded autocannon run from a child process (autocannon's own command line), so
 * that the load generator's CPU is not counted in this process's CPU time.
 */
export async function loadFromChildProcess(
  baseUrl: string,
  options: { path: string; method: string; headers: Record<string, string>; body: string; connections: number; duration: number; timeout: number },
): Promise<autocannon.Result> {
  checkAborted();
  const url = new URL(options.path, baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to send load anywhere but 127.0.0.1 (${url.host})`);
  if (!(options.duration > 0 && options.duration <= 600)) throw new Error('every run is bounded: give a duration of at most 600 s');
  const args = [AUTOCANNON_CLI, '-j', '-c', String(options.connections), '-d', String(options.duration), '-t', String(options.timeout), '-m', options.method, ...(options.body ? ['-b', options.body] : [])];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  args.push(url.toString());
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = () => child.kill('SIGINT');
    process.once('SIGINT', stop);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      process.off('SIGINT', stop);
      try {
        resolve(JSON.parse(out) as autocannon.Result);
      } catch {
        reject(new Error(`autocannon exited ${code} without a JSON result: ${err.slice(-500)}`));
      }
    });
  });
}

/**
 * What ./load-child.ts sends: `method` and `body` to the targets for `duration` seconds, each
 * in turn (`cycle`, the default) or one drawn at random for every request (`random`).
 */
export interface CycleSpec {
  baseUrl: string;
  method: string;
  body: string;
  targets: Array<{ path: string; headers: Record<string, string> }>;
  order?: 'cycle' | 'random';
  connections: number;
  duration: number;
  timeout: number;
}

const LOAD_CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

/**
 * Like loadFromChildProcess, for a list of paths (each with its own headers) taken in turn:
 * autocannon driven by ./load-child.ts in a process of its own.
 */
export async function loadCycleFromChildProcess(spec: CycleSpec): Promise<autocannon.Result> {
  checkAborted();
  if (new URL(spec.baseUrl).hostname !== '127.0.0.1') throw new Error(`refusing to send load anywhere but 127.0.0.1 (${spec.baseUrl})`);
  if (!(spec.duration > 0 && spec.duration <= 600)) throw new Error('every run is bounded: give a duration of at most 600 s');
  const file = path.join(os.tmpdir(), `tessera-bench-load-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [LOAD_CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
      const stop = () => child.kill('SIGINT');
      process.once('SIGINT', stop);
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        process.off('SIGINT', stop);
        try {
          resolve(JSON.parse(out) as autocannon.Result);
        } catch {
          reject(new Error(`the load generator exited ${code} without a JSON result: ${err.slice(-500)}`));
        }
      });
    });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * A duration-bounded run's rate is autocannon's mean of per-second samples. An amount-bounded
 * run only ends at the sample tick after its last response (so its duration is rounded up to
 * whole seconds); its rate is completed requests over the time to the last response instead.
 */
export function toRow(backend: string, scenario: string, { result, toLastResponse }: LoadResult): Row {
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

export async function call(
  baseUrl: string,
  apiKey: string,
  method: string,
  urlPath: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const url = new URL(urlPath, baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to call anywhere but 127.0.0.1 (${url.host})`);
  const response = await fetch(url, {
    method,
    headers: { authorization: apiKey, ...extraHeaders, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

// --- formatting -------------------------------------------------------------------------------

/** Percentiles are whole milliseconds; 0 means under 1 ms. */
export const ms = (value: number) => (value === 0 ? '<1' : value.toFixed(0));
export const meanMs = (value: number) => (value < 100 ? value.toFixed(2) : value.toFixed(0));
export const perSecond = (value: number) => (value < 100 ? value.toFixed(1) : value.toFixed(0));
