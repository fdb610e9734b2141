/** JSON document helpers for the PUT/PATCH semantics of the dialects. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fills what `input` leaves out with `defaults`, descending into objects both sides have,
 * except under `opaque` keys, whose value is taken whole.
 */
export function fillDefaults<T>(input: unknown, defaults: T, opaque: ReadonlySet<string> = new Set()): T {
  if (!isPlainObject(input) || !isPlainObject(defaults)) return (input === undefined ? defaults : input) as T;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const fallback = (defaults as Record<string, unknown>)[key];
    out[key] = !opaque.has(key) && isPlainObject(value) && isPlainObject(fallback) ? fillDefaults(value, fallback, opaque) : value;
  }
  return out as T;
}

/** RFC 7396 merge patch: objects merge, `null` removes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Removes `null` members (FusionAuth treats a null as "not given"), except under `keep` keys. */
export function withoutNulls(value: unknown, keep: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v, keep));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    out[key] = keep.has(key) ? v : withoutNulls(v, keep);
  }
  return out;
}
