/**
 * "Forgot your password?" during a sign-in: `/{slug}/interaction/{uid}/forgot`, linked from the
 * login page while the tenant has `registration.forgotPasswordEnabled`. The form takes an email
 * address or username and starts the forgot-password mail (AccountFlows.requestPasswordReset,
 * whose link opens the change-password page); the answer is the same page, just as fast,
 * whether or not the account exists.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountFlows } from '../core/account/account-flows.js';
import type { MailThrottle } from '../core/account/mail-throttle.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { formFields, localeOf, type resolveTenant, tenantOf, tenantPathOf } from './context.js';
import type { InteractionSupport, SignIn } from './interaction-support.js';
import { page } from './view.js';

const MAX_LOGIN_LENGTH = 320;

export function registerForgotPasswordPage(pages: FastifyInstance, deps: { account: AccountFlows; mailThrottle: MailThrottle; support: InteractionSupport; tenantFirst: ReturnType<typeof resolveTenant> }): void {
  const { signInOf, expired, show } = deps.support;
  const route = '/:slug/interaction/:uid/forgot';

  async function openSignIn(request: FastifyRequest, reply: FastifyReply): Promise<SignIn | 'expired' | 'closed'> {
    if (!tenantOf(request).settings.registration.forgotPasswordEnabled) return 'closed';
    const signIn = await signInOf(request, reply);
    return signIn && signIn.interaction.prompt.name === 'login' ? signIn : 'expired';
  }

  function notOffered(request: FastifyRequest, reply: FastifyReply) {
    const locale = localeOf(request);
    return page(request, reply, 404, 'message', locale, { title: locale.messages.errors.notFoundTitle, message: locale.messages.errors.notFound, kind: 'error' });
  }

  function form(request: FastifyRequest, reply: FastifyReply, status: number, signIn: SignIn, problem: string | undefined) {
    const t = signIn.locale.messages.forgot;
    return show(request, reply, status, 'forgot-password', signIn, { title: t.title, csrf: csrfToken(reply, tenantPathOf(request)), problem });
  }

  pages.get(route, { preHandler: deps.tenantFirst }, async (request, reply) => {
    const signIn = await openSignIn(request, reply);
    if (signIn === 'closed') return notOffered(request, reply);
    if (signIn === 'expired') return expired(request, reply);
    return form(request, reply, 200, signIn, undefined);
  });

  pages.post(route, { preHandler: [deps.tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const signIn = await openSignIn(request, reply);
    if (signIn === 'closed') return notOffered(request, reply);
    if (signIn === 'expired') return expired(request, reply);
    const t = signIn.locale.messages.forgot;
    const loginId = formFields(request.body, ['login'])?.login?.trim() ?? '';
    if (!loginId || loginId.length > MAX_LOGIN_LENGTH) return form(request, reply, 400, signIn, t.missing);
    if (!(await deps.mailThrottle.allow(tenantOf(request), request.ip))) return deps.support.tooMany(request, reply, signIn);
    deps.account.requestPasswordReset(tenantOf(request), loginId);
    return show(request, reply, 200, 'message', signIn, { title: t.sentTitle, message: t.sent, kind: 'done', link: { href: signIn.paths.base, text: t.backToSignIn } });
  });
}
