/**
 * Epoch milliseconds as ISO 8601 text, for responses. Never throws: a response is built after
 * its transaction has committed, and a RangeError there (`toISOString` of NaN or of an instant
 * past ±8.64e15 ms) would answer 500 for a change that was in fact made. What a Date cannot
 * show is rendered as null.
 */
export function isoInstant(ms: number | null | undefined): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}
