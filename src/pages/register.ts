/**
 * Sign-up during a sign-in: `/{slug}/interaction/{uid}/register`, offered on the login page
 * when the tenant allows self-service sign-up and the client offers it (core/account/
 * registration.ts says when, and what the answer may tell about a taken address). The form
 * asks for an email address and a password twice, listing the tenant's password rules; a
 * refused password lists each broken rule. A new account that may sign in at once is signed in
 * and the same authorization continues; one that must verify its address first is told to
 * follow the mailed link.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Registration, registrationOpen } from '../core/account/registration.js';
import type { MailThrottle } from '../core/account/mail-throttle.js';
import { NotPermitted, ValidationFailed } from '../core/errors.js';
import { csrfToken, verifyCsrf } from './csrf.js';
import { formFields, localeOf, type resolveTenant, tenantOf, tenantPathOf } from './context.js';
import type { InteractionSupport, SignIn } from './interaction-support.js';
import { describeProblems, describeRules } from './password-rules.js';
import { page } from './view.js';

const MAX_EMAIL_LENGTH = 320;
const MAX_PASSWORD_LENGTH = 4096;

export function registerRegistrationPage(pages: FastifyInstance, deps: { registration: Registration; mailThrottle: MailThrottle; support: InteractionSupport; tenantFirst: ReturnType<typeof resolveTenant> }): void {
  const { signInOf, expired, show, finish } = deps.support;
  const route = '/:slug/interaction/:uid/register';

  /** The sign-in, when it is at its login step and sign-up is open for its client. */
  async function openSignIn(request: FastifyRequest, reply: FastifyReply): Promise<SignIn | 'expired' | 'closed'> {
    const signIn = await signInOf(request, reply);
    if (!signIn || signIn.interaction.prompt.name !== 'login') return 'expired';
    return signIn.client && registrationOpen(tenantOf(request), signIn.client) ? signIn : 'closed';
  }

  /** Sign-up is not offered here: as if the page did not exist. */
  function notOffered(request: FastifyRequest, reply: FastifyReply) {
    const locale = localeOf(request);
    return page(request, reply, 404, 'message', locale, { title: locale.messages.errors.notFoundTitle, message: locale.messages.errors.notFound, kind: 'error' });
  }

  function form(request: FastifyRequest, reply: FastifyReply, status: number, signIn: SignIn, problems: string[], email = '') {
    const t = signIn.locale.messages.register;
    return show(request, reply, status, 'register', signIn, {
      title: t.title,
      intro: t.intro(signIn.view.name),
      csrf: csrfToken(reply, tenantPathOf(request)),
      rules: describeRules(signIn.locale.messages, tenantOf(request).settings.passwordPolicy),
      problems,
      email,
    });
  }

  pages.get(route, { preHandler: deps.tenantFirst }, async (request, reply) => {
    const signIn = await openSignIn(request, reply);
    if (signIn === 'expired') return expired(request, reply);
    if (signIn === 'closed') return notOffered(request, reply);
    return form(request, reply, 200, signIn, []);
  });

  pages.post(route, { preHandler: [deps.tenantFirst, verifyCsrf(pages)] }, async (request, reply) => {
    const signIn = await openSignIn(request, reply);
    if (signIn === 'expired') return expired(request, reply);
    if (signIn === 'closed') return notOffered(request, reply);
    const messages = signIn.locale.messages;
    const t = messages.register;
    const fields = formFields(request.body, ['email', 'password', 'confirm']);
    const email = fields?.email?.trim() ?? '';
    const password = fields?.password ?? '';
    if (!fields || !email || !password || !fields.confirm) return form(request, reply, 400, signIn, [t.missing], email.slice(0, MAX_EMAIL_LENGTH));
    if (email.length > MAX_EMAIL_LENGTH) return form(request, reply, 400, signIn, [t.invalidEmail]);
    if (password.length > MAX_PASSWORD_LENGTH) return form(request, reply, 400, signIn, [messages.broken.maxLength(tenantOf(request).settings.passwordPolicy.maxLength)], email);
    if (password !== fields.confirm) return form(request, reply, 400, signIn, [t.mismatch], email);
    const tenant = tenantOf(request);
    if (!(await deps.mailThrottle.allow(tenant, request.ip))) return deps.support.tooMany(request, reply, signIn);
    let result;
    try {
      result = await deps.registration.register(tenant, signIn.client!, { email, password, locale: signIn.locale.locale });
    } catch (error) {
      if (error instanceof NotPermitted) return notOffered(request, reply);
      if (!(error instanceof ValidationFailed)) throw error;
      const problems = [
        ...(error.problems.some((p) => p.field === 'email') ? [t.invalidEmail] : []),
        ...describeProblems(messages, tenant.settings.passwordPolicy, error.problems.filter((p) => p.field === 'password')),
      ];
      return form(request, reply, 400, signIn, problems.length ? problems : [t.invalidEmail], email);
    }
    switch (result.outcome) {
      case 'registered':
        return finish(request, reply, signIn, { login: { accountId: result.user.id } }, false);
      case 'emailTaken':
        return form(request, reply, 409, signIn, [t.emailTaken], email);
      case 'verifyEmailFirst':
        return show(request, reply, 200, 'message', signIn, { title: t.checkEmailTitle, message: t.checkEmail, kind: 'done', link: { href: signIn.paths.base, text: t.backToSignIn } });
    }
  });
}
