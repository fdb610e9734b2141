/**
 * `npm start` as a process manager or container runtime runs it: real processes. SIGTERM sent
 * to the npm process stops the server and leaves no process of its tree behind; a start with
 * nothing changed since the last build does not compile.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../support/ports.js';

/** GET /api/status on a fresh connection: the status code, or a rejection when nothing answers. */
function status(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/api/status', agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

/** Parent pid of every process, from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function descendants(root: number): number[] {
  const all = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const [child, parent] of all) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface Started {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in the repository, until the server logs that it listens. */
async function npmStart(env: Record<string, string>): Promise<Started> {
  const npm = spawn('npm', ['start'], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"Tessera listening"')) resolve();
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`npm start exited ${code}: ${output}`)));
  });
  return { npm, output: () => output, exited };
}

/** Waits (never longer than 20 s) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('npm start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-npm-start-'));
  const leftovers: number[] = [];
  after(() => {
    // Whatever a failed test left running is stopped here, by pid.
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM to the npm process stops the server; no process of the tree survives; an unchanged start does not compile', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', TESSERA_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info' };
    const stamp = path.resolve('dist/.build-stamp');

    const first = await npmStart(env);
    assert.equal(await status(port), 200);
    const tree = descendants(first.npm.pid!);
    leftovers.push(...tree);
    assert.ok(tree.length >= 1, 'npm runs the server as a child');
    first.npm.kill('SIGTERM');
    const code = await first.exited;
    assert.ok(code === 0 || code === null || code === 143, `npm exit code ${code}`);
    await assert.rejects(status(port), 'the server no longer answers');
    await until(() => tree.every((pid) => !alive(pid)), `processes of the tree still alive: ${tree.filter(alive).join(', ')}`);

    // The first start built if the sources had changed since the last build; now nothing has.
    const builtAt = fs.statSync(stamp).mtimeMs;
    const mainBuiltAt = fs.statSync('dist/src/main.js').mtimeMs;
    const second = await npmStart(env);
    const secondTree = descendants(second.npm.pid!);
    leftovers.push(...secondTree);
    assert.ok(!/compiling|tsc/.test(second.output()), second.output());
    assert.equal(fs.statSync(stamp).mtimeMs, builtAt, 'the build was not redone');
    assert.equal(fs.statSync('dist/src/main.js').mtimeMs, mainBuiltAt, 'dist was not rewritten');
    assert.equal(await status(port), 200);
    second.npm.kill('SIGTERM');
    await second.exited;
    await assert.rejects(status(port));
    await until(() => secondTree.every((pid) => !alive(pid)), 'the second tree ends too');
  });

  test('the build is stale exactly when a source is newer than the last successful build', async () => {
    const { isStale, markBuilt } = (await import(path.resolve('scripts/build-state.cjs'))) as { isStale: (root: string) => boolean; markBuilt: (root: string, at: number) => void };
    const root = fs.mkdtempSync(path.join(dir, 'tree-'));
    fs.mkdirSync(path.join(root, 'src', 'core'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'));
    const source = path.join(root, 'src', 'core', 'a.ts');
    fs.writeFileSync(source, 'export {};\n');
    const past = (Date.now() - 60_000) / 1000;
    fs.utimesSync(source, past, past);
    fs.utimesSync(path.join(root, 'src', 'core'), past, past);
    fs.utimesSync(path.join(root, 'src'), past, past);
    assert.equal(isStale(root), true, 'never built');
    markBuilt(root, Date.now() - 30_000);
    assert.equal(isStale(root), false, 'built after the last change');
    const later = (Date.now() - 10_000) / 1000;
    fs.utimesSync(source, later, later);
    assert.equal(isStale(root), true, 'a file changed after the build');
    markBuilt(root, Date.now() - 5_000);
    assert.equal(isStale(root), false);
    fs.writeFileSync(path.join(root, 'src', 'b.ts'), 'export {};\n');
    assert.equal(isStale(root), true, 'a file added after the build');
  });
});
