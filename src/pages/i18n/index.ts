/**
 * The page locales and how one is picked: `?locale=` when it names a known locale, then the
 * best-weighted known language of `Accept-Language`, else English. A page of a sign-in puts
 * the authorization's `ui_locales` (OpenID Connect Core §3.1.2.1) before all of them.
 */
import { en, type Messages } from './en.js';
import { tr } from './tr.js';

export type { Messages };
export const CATALOGUES: Readonly<Record<string, Messages>> = { en, tr };
export const DEFAULT_LOCALE = 'en';

/** The known locale a tag like `tr-TR` or `EN` stands for, if any. */
function known(tag: string): string | undefined {
  const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
  return Object.hasOwn(CATALOGUES, primary) ? primary : undefined;
}

/** Parses `Accept-Language` (RFC 9110 §12.5.4) and returns the known locale with the highest weight. */
export function fromAcceptLanguage(header: string | undefined): string | undefined {
  if (!header || header.length > 1024) return undefined;
  let best: { locale: string; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.split(';');
    const locale = known(tag);
    if (!locale) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (match) q = Number(match[1]);
    }
    if (q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale;
}

export interface LocaleChoice {
  locale: string;
  messages: Messages;
  /** True when `?locale=` chose it (forms then carry it on to their POST). */
  fromQuery: boolean;
}

export function pickLocale(query: unknown, acceptLanguage: string | undefined): LocaleChoice {
  const asked = query && typeof query === 'object' ? (query as Record<string, unknown>).locale : undefined;
  const fromQuery = typeof asked === 'string' && asked.length <= 35 ? known(asked) : undefined;
  const locale = fromQuery ?? fromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE;
  return { locale, messages: CATALOGUES[locale]!, fromQuery: fromQuery !== undefined };
}

/** The first known language of `ui_locales` (space-separated tags, in preference order), else as pickLocale. */
export function pickLocaleWithUiLocales(uiLocales: unknown, query: unknown, acceptLanguage: string | undefined): LocaleChoice {
  const asked = typeof uiLocales === 'string' && uiLocales.length <= 256 ? uiLocales.split(' ').filter(Boolean) : [];
  for (const tag of asked) {
    const choice = pickLocale({ locale: tag.split('-')[0] }, undefined);
    if (choice.fromQuery) return choice;
  }
  return pickLocale(query, acceptLanguage);
}
