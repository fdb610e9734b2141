/**
 * `npm run bench:oidc`: only the OpenID Provider benchmark (./oidc-bench.ts) — a Tessera
 * tenant's provider against a bare oidc-provider 9, and 1 tenant vs BENCH_OIDC_TENANTS — printed
 * and written into its section of BENCHMARKS.md (between the oidc markers; the rest of the file
 * is left as it is). `npm run bench` runs the same and rewrites the whole file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOidc, oidcSettings, withOidcSection } from './oidc-bench.js';
import { isAborted, log } from './harness.js';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() * 2));

const REPORT_FILE = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'BENCHMARKS.md');

async function main(): Promise<void> {
  const started = Date.now();
  const { section } = await benchOidc();
  process.stdout.write(`${section}\n`);
  if (oidcSettings.only.length) {
    log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s; BENCH_OIDC_ONLY: BENCHMARKS.md left unchanged`);
    return;
  }
  const report = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '# Benchmarks\n';
  fs.writeFileSync(REPORT_FILE, withOidcSection(report, section));
  log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${REPORT_FILE}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (isAborted()) log('interrupted; BENCHMARKS.md left unchanged');
    else console.error(error);
    process.exit(isAborted() ? 130 : 1);
  },
);
