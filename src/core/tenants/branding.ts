/**
 * A tenant's branding on its hosted pages (a Tessera extension: none of the three specifications
 * has one): a logo shown in the page header, and the primary (buttons, focus) and background
 * colours. `null` means the built-in look (which also follows the reader's light or dark
 * preference); a colour given applies in both. The logo must be embeddable on a page that may be
 * served over https: an https URL, or http only on a loopback host for development.
 */
import { embeddableUrlProblem } from '../clients/uris.js';
import { type FieldProblem, problem } from '../errors.js';

export interface TenantBranding {
  logoUrl: string | null;
  /** `#rrggbb`. */
  primaryColor: string | null;
  /** `#rrggbb`. */
  backgroundColor: string | null;
}

export const DEFAULT_BRANDING: TenantBranding = { logoUrl: null, primaryColor: null, backgroundColor: null };

export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

export function brandingProblems(branding: TenantBranding): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (branding.logoUrl !== null) {
    const why = embeddableUrlProblem(branding.logoUrl);
    if (why) out.push(problem('branding.logoUrl', 'invalid', `The logo URL ${why}.`));
  }
  for (const field of ['primaryColor', 'backgroundColor'] as const) {
    const value = branding[field];
    if (value !== null && !COLOR_PATTERN.test(value)) out.push(problem(`branding.${field}`, 'invalid', 'A colour is # and six hexadecimal digits (#rrggbb).'));
  }
  return out;
}
