/**
 * The layering the storage contract promises, checked on the sources: the core writes no SQL
 * and knows no Kysely; storage, crypto and email reach into the core only through the domain
 * types module. (A check of text, as `grep` would do it — what a reviewer would run.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(process.cwd(), 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const relative = (file: string) => path.relative(root, file);

test('src/core names neither Kysely nor SQL', () => {
  const offenders = sources(path.join(root, 'core')).filter((file) => /kysely|sql`/i.test(fs.readFileSync(file, 'utf8')));
  assert.deepEqual(offenders.map(relative), []);
});

test('storage, crypto and email import from the core only its domain types module', () => {
  const offenders: string[] = [];
  for (const layer of ['storage', 'crypto', 'email']) {
    for (const file of sources(path.join(root, layer))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
        const target = path.resolve(path.dirname(file), match[1]!);
        const inCore = target.startsWith(path.join(root, 'core') + path.sep);
        if (inCore && relative(target) !== path.join('core', 'domain.js')) offenders.push(`${relative(file)} → ${match[1]}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
