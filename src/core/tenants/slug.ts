/**
 * Slugs: immutable, unique, URL-safe handles for the snake_case APIs and issuer paths. A slug is
 * never one of the server's own first path segments (./reserved-slugs.ts: `api` would put a
 * tenant's issuer at `{PUBLIC_URL}/api`) and never UUID-shaped (a path segment that looks like a
 * UUID is read as a tenant id first).
 */
import { isReservedPathSegment } from './reserved-slugs.js';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** The start of a UUID: a slug starting so could be taken for an id, or become one. */
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-/;

const MAX_DERIVED_LENGTH = 48;

function trimmed(slug: string): string {
  return slug.slice(0, MAX_DERIVED_LENGTH).replace(/-+$/g, '');
}

/**
 * "Acme Café, Inc." → "acme-cafe-inc". Never empty, never reserved ("API" → "api-tenant"),
 * never UUID-shaped (a name that is a UUID → "tenant-{uuid}").
 */
export function slugFromName(name: string): string {
  const slug = trimmed(
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, ''),
  );
  if (!slug) return 'tenant';
  if (UUID_SHAPED.test(slug)) return trimmed(`tenant-${slug}`);
  if (isReservedPathSegment(slug)) return `${slug}-tenant`;
  return slug;
}

/** The n-th candidate when the plain slug is taken: acme, acme-2, acme-3, … */
export function slugCandidate(base: string, attempt: number): string {
  return attempt === 0 ? base : `${base}-${attempt + 1}`;
}

/** A slug someone gives: the pattern, not reserved, not UUID-shaped. */
export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug) && !UUID_SHAPED.test(slug) && !isReservedPathSegment(slug);
}
