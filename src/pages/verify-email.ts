/**
 * `/{slug}/email/verify/{id}`, the page a verification mail links to. Mail scanners fetch links
 * before the user does, so GET only shows a confirm button (for a live id of this tenant, an
 * error page otherwise); the POST it sends, with its CSRF token, verifies the address.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountFlows } from '../core/account/account-flows.js';
import { NotFound } from '../core/errors.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { idOf, localeOf, resolveTenant, tenantOf, tenantPathOf } from './context.js';
import { linkError } from './errors.js';
import { page } from './view.js';

export const VERIFY_EMAIL_ROUTE = '/:slug/email/verify/*';

export function registerVerifyEmailPage(pages: FastifyInstance, deps: { tenants: TenantService; account: AccountFlows }): void {
  const tenantFirst = resolveTenant(deps.tenants);

  async function liveId(request: FastifyRequest): Promise<string | undefined> {
    const id = idOf(request);
    if (!id) return undefined;
    const pending = await deps.account.pendingVerification(id);
    return pending && pending.tenantId === tenantOf(request).id ? id : undefined;
  }

  pages.get(VERIFY_EMAIL_ROUTE, { preHandler: tenantFirst }, async (request, reply) => {
    if (!(await liveId(request))) return linkError(request, reply);
    const locale = localeOf(request);
    return page(request, reply, 200, 'verify-email', locale, {
      title: locale.messages.verifyEmail.title,
      csrf: csrfToken(reply, tenantPathOf(request)),
    });
  });

  pages.post(VERIFY_EMAIL_ROUTE, { preHandler: [tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const id = await liveId(request);
    if (!id) return linkError(request, reply);
    try {
      await deps.account.verifyEmail(id);
    } catch (error) {
      if (error instanceof NotFound) return linkError(request, reply);
      throw error;
    }
    const locale = localeOf(request);
    const t = locale.messages.verifyEmail;
    return page(request, reply, 200, 'message', locale, { title: t.doneTitle, message: t.done, kind: 'done' });
  });
}
