'use strict';
/**
 * Is dist/ older than the sources? The build (scripts/build.mjs) leaves dist/.build-stamp,
 * dated when that build began, after tsc succeeded; a source file or folder changed since
 * (a folder's date changes when a file is added, removed or renamed in it) makes the build
 * stale. Synchronous on purpose: `npm start` decides this before anything else loads.
 */
const fs = require('node:fs');
const path = require('node:path');

/** What tsc reads (tsconfig.json's include) and the files that configure it. */
const SOURCES = ['src', 'test', 'bench', 'tsconfig.json', 'package.json'];
const STAMP = path.join('dist', '.build-stamp');

/** The latest modification time (ms) under `entry`, folders included; 0 when it does not exist. */
function newest(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  let latest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  }
  return latest;
}

/** True when there is no successful build, or a source changed after the last one began. */
function isStale(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, STAMP)).mtimeMs;
  } catch {
    return true;
  }
  return SOURCES.some((source) => newest(path.join(root, source)) >= built);
}

/** Before a build: whatever happens next, dist/ is not known to be current. */
function markBuilding(root) {
  fs.rmSync(path.join(root, STAMP), { force: true });
}

/** After a successful build that began at `startedAt` (ms). */
function markBuilt(root, startedAt) {
  const stamp = path.join(root, STAMP);
  fs.writeFileSync(stamp, `built from sources as of ${new Date(startedAt).toISOString()}\n`);
  fs.utimesSync(stamp, startedAt / 1000, startedAt / 1000);
}

module.exports = { SOURCES, STAMP, isStale, markBuilding, markBuilt };
