/**
 * A small in-process cache for records every request reads and few requests change (tenants,
 * API keys). An entry lives at most `ttlMs`: that bounds how long a change made by another
 * Tessera process sharing the database goes unseen here. Changes made through this process
 * invalidate at once.
 *
 * A load that began before a clear never fills the cache afterwards (it may have read
 * the old row), so an update can never be undone by a slow concurrent read.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  /** Bumped by every clear; a load stores its result only if it did not change meanwhile. */
  private generation = 0;

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; now: () => number },
  ) {}

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const now = this.options.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation) {
      deepFreeze(value);
      sweepExpired(this.entries, now);
      if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, expires: now + this.options.ttlMs });
    }
    return value;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

/**
 * Drops the expired entries at the front of `entries` (insertion order: the oldest first), so a
 * cache holds what was read within its lifetime, not everything ever read — a tenant seen once
 * does not stay in memory until 10,000 others push it out. Stops at the first live entry.
 */
export function sweepExpired(entries: Map<string, { expires: number }>, now: number): void {
  for (const [key, entry] of entries) {
    if (entry.expires > now) return;
    entries.delete(key);
  }
}

/** Shared between requests, so nobody may change it in place. */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** How long a cached tenant or API key may lag a change made by another process. */
export const READ_CACHE_TTL_MS = 2000;
