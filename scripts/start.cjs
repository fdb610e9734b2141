'use strict';
/**
 * `npm start`: build only when a source changed since the last build, then run the server in
 * this very process. package.json runs it with `exec`, so npm's shell is replaced by this
 * process and the SIGTERM npm passes on reaches the server itself.
 *
 * CommonJS on purpose: it loads synchronously, so UV_THREADPOOL_SIZE is set before libuv's
 * thread pool first starts (an ES module entry point is read through that pool, too late).
 */
const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { isStale } = require('./build-state.cjs');

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, os.availableParallelism() * 2));
const root = path.resolve(__dirname, '..');

function run() {
  import(pathToFileURL(path.join(root, 'dist', 'src', 'main.js')).href).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

if (!isStale(root)) {
  run();
} else {
  // The build runs as its own process (scripts/build.mjs, which stops tsc on a signal);
  // a stop request meanwhile is passed on, and the server is then not started.
  process.stderr.write('Sources changed since the last build: compiling (tsc)…\n');
  const child = spawn(process.execPath, [path.join(__dirname, 'build.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  let stopped = false;
  const forward = (signal) => {
    stopped = true;
    child.kill(signal);
  };
  process.on('SIGTERM', forward).on('SIGINT', forward);
  child.on('exit', (code) => {
    process.off('SIGTERM', forward).off('SIGINT', forward);
    if (stopped) process.exit(143);
    if (code !== 0) {
      process.stderr.write(`The build failed (exit code ${code}); not starting.\n`);
      process.exit(1);
    }
    run();
  });
}
