/**
 * Templates: Eta, whose `<%= %>` escapes HTML (autoEscape, on by default and pinned here);
 * `<%~ %>` (unescaped) is used only for the layout's body, which is itself the output of an
 * escaping template, and for the engine's own logout form (src/pages/engine-pages.ts). Every
 * page shows the tenant's theme (name, logo, colours: theme.ts), the locale's catalogue and
 * the stylesheet's URL. `renderPage` serves both the pages' routes and the engine's pages;
 * `page` is the routes' way: it also tells the CSP what the page loads.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Eta } from 'eta';
import { VIEWS_DIR } from './files.js';
import type { LocaleChoice } from './i18n/index.js';
import { resolvedTenant } from './request-tenant.js';
import { allowImages, allowStyleNonce, newNonce } from './security.js';
import { type Theme, themeOf } from './theme.js';

export const STYLESHEET_PATH = '/assets/pages.css';

const eta = new Eta({ autoEscape: true, cache: true, views: VIEWS_DIR });

/** The stylesheet as a path relative to the page's, so the pages work behind a path prefix too. */
export function stylesheetFor(pathname: string): string {
  const depth = Math.max(0, pathname.split('/').length - 2);
  return depth === 0 ? `.${STYLESHEET_PATH}` : `${'../'.repeat(depth)}${STYLESHEET_PATH.slice(1)}`;
}

export interface PageData {
  title: string;
  [key: string]: unknown;
}

export interface RenderedPage {
  html: string;
  /** The nonce of the page's `<style>` block, when the theme has colours. */
  styleNonce: string | undefined;
  /** Where the page's images load from. */
  imageOrigins: string[];
}

/**
 * Renders `template` in its layout. `images` are further image origins the data shows (a
 * client's logo).
 */
export function renderPage(template: string, options: { locale: LocaleChoice; theme: Theme; pathname: string; data: PageData; images?: string[] }): RenderedPage {
  const { locale, theme, data } = options;
  const styleNonce = theme.style ? newNonce() : undefined;
  const html = eta.render(template, { ...data, tenantName: theme.tenantName, theme, styleNonce, t: locale.messages, lang: locale.locale, stylesheet: stylesheetFor(options.pathname) });
  return { html, styleNonce, imageOrigins: [...theme.imageOrigins, ...(options.images ?? [])] };
}

export async function page(request: FastifyRequest, reply: FastifyReply, status: number, template: string, locale: LocaleChoice, data: PageData & { images?: string[] }): Promise<FastifyReply> {
  const { images, ...rest } = data;
  const theme = themeOf(resolvedTenant(request), locale.messages.brand);
  const rendered = renderPage(template, { locale, theme, pathname: request.url.split('?')[0] ?? '/', data: rest, ...(images ? { images } : {}) });
  if (rendered.styleNonce) allowStyleNonce(request, rendered.styleNonce);
  allowImages(request, rendered.imageOrigins);
  reply.code(status).header('content-language', locale.locale).type('text/html; charset=utf-8');
  return reply.send(rendered.html);
}
