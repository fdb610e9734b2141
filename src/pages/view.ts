/**
 * Templates: @fastify/view with Eta, whose `<%= %>` escapes HTML (autoEscape, on by default and
 * pinned here); `<%~ %>` (unescaped) is used only for the layout's body, which is itself the
 * output of an escaping template. `page()` renders one with what every page shows: the
 * tenant's name, the locale's catalogue and the stylesheet's URL.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import view from '@fastify/view';
import { Eta } from 'eta';
import { VIEWS_DIR } from './files.js';
import type { LocaleChoice } from './i18n/index.js';

export const STYLESHEET_PATH = '/assets/pages.css';

export async function registerViews(pages: FastifyInstance): Promise<void> {
  await pages.register(view, {
    engine: { eta: new Eta({ autoEscape: true, cache: true, views: VIEWS_DIR }) },
    templates: VIEWS_DIR,
    production: true,
  });
}

/** The stylesheet as a path relative to the request's, so the pages work behind a path prefix too. */
function stylesheetFor(request: FastifyRequest): string {
  const pathname = request.url.split('?')[0] ?? '/';
  const depth = Math.max(0, pathname.split('/').length - 2);
  return depth === 0 ? `.${STYLESHEET_PATH}` : `${'../'.repeat(depth)}${STYLESHEET_PATH.slice(1)}`;
}

export interface PageData {
  tenantName: string;
  title: string;
  [key: string]: unknown;
}

export async function page(request: FastifyRequest, reply: FastifyReply, status: number, template: string, locale: LocaleChoice, data: PageData): Promise<FastifyReply> {
  reply.code(status).header('content-language', locale.locale).type('text/html; charset=utf-8');
  const html = await reply.viewAsync(template, { ...data, t: locale.messages, lang: locale.locale, stylesheet: stylesheetFor(request) });
  return reply.send(html);
}
