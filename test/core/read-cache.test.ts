import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReadCache, sweepExpired } from '../../src/core/read-cache.js';

function cacheAt() {
  let now = 0;
  let loads = 0;
  const cache = new ReadCache<{ v: number; nested: { list: number[] } }>({ ttlMs: 1000, maxEntries: 2, now: () => now });
  const load = (v: number) => async () => {
    loads++;
    return { v, nested: { list: [v] } };
  };
  return { cache, load, advance: (ms: number) => (now += ms), loads: () => loads };
}

describe('ReadCache', () => {
  test('serves a loaded value until it is ttl old, then loads again', async () => {
    const c = cacheAt();
    assert.equal((await c.cache.get('a', c.load(1)))!.v, 1);
    c.advance(999);
    assert.equal((await c.cache.get('a', c.load(2)))!.v, 1);
    c.advance(1);
    assert.equal((await c.cache.get('a', c.load(3)))!.v, 3);
    assert.equal(c.loads(), 2);
  });

  test('after a clear every key loads again at once; misses are not cached', async () => {
    const c = cacheAt();
    await c.cache.get('a', c.load(1));
    c.cache.clear();
    assert.equal((await c.cache.get('a', c.load(2)))!.v, 2);
    assert.equal(await c.cache.get('gone', async () => undefined), undefined);
    assert.equal((await c.cache.get('gone', c.load(5)))!.v, 5);
  });

  test('a load that began before a clear does not fill the cache with what it read', async () => {
    const c = cacheAt();
    let release!: () => void;
    const slow = c.cache.get('a', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { v: 1, nested: { list: [] } };
    });
    c.cache.clear();
    release();
    assert.equal((await slow)!.v, 1, 'the caller still gets what it read');
    assert.equal((await c.cache.get('a', c.load(2)))!.v, 2, 'but the next reader loads the new value');
  });

  test('keeps at most maxEntries, dropping the oldest', async () => {
    const c = cacheAt();
    await c.cache.get('a', c.load(1));
    await c.cache.get('b', c.load(2));
    await c.cache.get('c', c.load(3));
    assert.equal((await c.cache.get('a', c.load(4)))!.v, 4);
    assert.equal((await c.cache.get('c', c.load(5)))!.v, 3);
  });

  test('cached values cannot be changed in place by one request for the next', async () => {
    const c = cacheAt();
    const value = (await c.cache.get('a', c.load(1)))!;
    assert.throws(() => {
      value.nested.list.push(2);
    }, TypeError);
    assert.deepEqual((await c.cache.get('a', c.load(9)))!.nested.list, [1]);
  });

  test('expired entries at the front are dropped when a new one is stored; the sweep stops at the first live one', () => {
    const entries = new Map([
      ['old-1', { expires: 10 }],
      ['old-2', { expires: 20 }],
      ['live', { expires: 40 }],
      ['expired-behind-live', { expires: 25 }],
    ]);
    sweepExpired(entries, 30);
    assert.deepEqual([...entries.keys()], ['live', 'expired-behind-live']);
  });
});
