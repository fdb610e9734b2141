/** Slugs: immutable, unique, URL-safe handles for the snake_case APIs and issuer paths. */

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** "Acme Café, Inc." → "acme-cafe-inc". Never empty. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'tenant';
}

/** The n-th candidate when the plain slug is taken: acme, acme-2, acme-3, … */
export function slugCandidate(base: string, attempt: number): string {
  return attempt === 0 ? base : `${base}-${attempt + 1}`;
}

/** UUID-shaped strings are reserved so a slug can never be mistaken for a tenant id. */
export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug) && !/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(slug);
}
