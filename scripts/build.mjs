#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, which `npm ci` runs): compile with tsc, then date the build
 * (scripts/build-state.cjs). `--if-stale`: do nothing when no source changed since the last
 * successful build (what `npm test` and `npm run bench` use).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isStale, markBuilding, markBuilt } = require('./build-state.cjs');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function build() {
  return new Promise((resolve) => {
    let tsc;
    try {
      tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
    } catch {
      // An install without dev dependencies (npm ci --omit=dev, for a prebuilt dist/) must not fail here.
      if (process.env.npm_lifecycle_event === 'prepare') {
        console.error('TypeScript is not installed (dev dependencies omitted): not building.');
        resolve(0);
        return;
      }
      console.error('TypeScript is not installed: run `npm ci` (it installs the dev dependencies and builds).');
      resolve(1);
      return;
    }
    const startedAt = Date.now();
    markBuilding(root);
    const child = spawn(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
    // A stop request during the build stops the compiler too, rather than leaving it behind.
    const forward = (signal) => child.kill(signal);
    process.on('SIGTERM', forward).on('SIGINT', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      if (code === 0) markBuilt(root, startedAt);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && !isStale(root)) process.exit(0);
  process.exit(await build());
}
