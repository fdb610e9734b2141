/**
 * `/{slug}/password/change/{id}`, the page a forgot-password mail links to. GET shows the form
 * for a live id of this tenant (an error page otherwise, spending nothing); POST checks the
 * CSRF token, the confirmation and the tenant's rules (each broken rule is listed, and a weak
 * password does not spend the id), then changes the password through AccountFlows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountFlows } from '../core/account/account-flows.js';
import { NotFound, ValidationFailed } from '../core/errors.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { formFields, idOf, localeOf, resolveTenant, tenantOf, tenantPathOf } from './context.js';
import { linkError } from './errors.js';
import { describeProblems, describeRules } from './password-rules.js';
import { page } from './view.js';

export const CHANGE_PASSWORD_ROUTE = '/:slug/password/change/*';

export function registerChangePasswordPage(pages: FastifyInstance, deps: { tenants: TenantService; account: AccountFlows }): void {
  const tenantFirst = resolveTenant(deps.tenants);

  /** The live id of this tenant in the path, or undefined. */
  async function liveId(request: FastifyRequest): Promise<string | undefined> {
    const id = idOf(request);
    if (!id) return undefined;
    const pending = await deps.account.pendingChange(id);
    return pending && pending.tenantId === tenantOf(request).id ? id : undefined;
  }

  function form(request: FastifyRequest, reply: FastifyReply, status: number, problems: string[]) {
    const locale = localeOf(request);
    const tenant = tenantOf(request);
    return page(request, reply, status, 'change-password', locale, {
      title: locale.messages.changePassword.title,
      csrf: csrfToken(reply, tenantPathOf(request)),
      rules: describeRules(locale.messages, tenant.settings.passwordPolicy),
      problems,
    });
  }

  function done(request: FastifyRequest, reply: FastifyReply) {
    const locale = localeOf(request);
    const t = locale.messages.changePassword;
    return page(request, reply, 200, 'message', locale, { title: t.doneTitle, message: t.done, kind: 'done' });
  }

  pages.get(CHANGE_PASSWORD_ROUTE, { preHandler: tenantFirst }, async (request, reply) => {
    if (!(await liveId(request))) return linkError(request, reply);
    return form(request, reply, 200, []);
  });

  pages.post(CHANGE_PASSWORD_ROUTE, { preHandler: [tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const id = await liveId(request);
    if (!id) return linkError(request, reply);
    const t = localeOf(request).messages;
    const fields = formFields(request.body, ['password', 'confirm']);
    if (!fields) return form(request, reply, 400, [t.changePassword.missing]);
    const { password, confirm } = fields;
    if (!password || !confirm) return form(request, reply, 400, [t.changePassword.missing]);
    if (password !== confirm) return form(request, reply, 400, [t.changePassword.mismatch]);
    try {
      await deps.account.changePassword(id, password);
    } catch (error) {
      if (error instanceof NotFound) return linkError(request, reply);
      if (error instanceof ValidationFailed) return form(request, reply, 400, describeProblems(t, tenantOf(request).settings.passwordPolicy, error.problems));
      throw error;
    }
    return done(request, reply);
  });
}
