/**
 * Error pages. A dead link (unknown, expired, used, another tenant's id) is a 404 page; any
 * failure inside the pages scope (an unreadable or oversized form, a wrong CSRF token, an
 * unsupported content type) is a 4xx page saying so, and only a genuine fault is a 500 page,
 * logged. Nothing here echoes the request.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localeOf } from './context.js';
import type { Messages } from './i18n/index.js';
import { page } from './view.js';

export function linkError(request: FastifyRequest, reply: FastifyReply) {
  const locale = localeOf(request);
  return page(request, reply, 404, 'message', locale, { title: locale.messages.errors.linkTitle, message: locale.messages.errors.link, kind: 'error' });
}

function describe(t: Messages, status: number, code: string | undefined): { title: string; message: string } {
  const e = t.errors;
  if (code?.startsWith('FST_CSRF_')) return { title: e.csrfTitle, message: e.csrf };
  if (status === 404) return { title: e.notFoundTitle, message: e.notFound };
  if (status === 413) return { title: e.tooLargeTitle, message: e.badRequest };
  if (status === 415) return { title: e.unsupportedTitle, message: e.badRequest };
  if (status >= 400 && status < 500) return { title: e.badRequestTitle, message: e.badRequest };
  return { title: e.serverTitle, message: e.server };
}

export function setPageErrorHandler(pages: FastifyInstance): void {
  pages.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error on a page');
    const locale = localeOf(request);
    const { title, message } = describe(locale.messages, status, error.code);
    try {
      return await page(request, reply, status, 'message', locale, { title, message, kind: 'error' });
    } catch (renderError) {
      request.log.error({ err: renderError }, 'the error page could not be rendered');
      return reply.code(status).type('text/plain; charset=utf-8').send(title);
    }
  });
}
