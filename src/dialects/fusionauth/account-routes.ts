/**
 * FusionAuth user account flows: forgot password, change password by id, verify email, and
 * resend verification. Change-password-by-id and verify-email need no API key (the id is the
 * credential), as in FusionAuth; the others do.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AccountFlows } from '../../core/account/account-flows.js';
import { ValidationFailed } from '../../core/errors.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { faErrors, sendFaError } from './errors.js';
import { rejectInvalidBody } from './request.js';
import { TENANT_REQUIRED, requestTenant } from './tenant-context.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';

const ForgotPasswordSchema = nullMeansAbsent(Type.Object({
  loginId: Type.String({ minLength: 1, maxLength: 320 }),
  sendForgotPasswordEmail: Type.Optional(Type.Boolean()),
  applicationId: Type.Optional(Type.String({ format: 'uuid' })),
}));
const ChangePasswordSchema = nullMeansAbsent(Type.Object({
  password: Type.String({ minLength: 1, maxLength: 4096 }),
  currentPassword: Type.Optional(Type.String({ maxLength: 4096 })),
}));
const ChangeOwnPasswordSchema = nullMeansAbsent(Type.Object({
  loginId: Type.String({ minLength: 1, maxLength: 320 }),
  currentPassword: Type.String({ minLength: 1, maxLength: 4096 }),
  password: Type.String({ minLength: 1, maxLength: 4096 }),
}));
const VerifyEmailSchema = nullMeansAbsent(Type.Object({ verificationId: Type.String({ minLength: 1, maxLength: 512 }) }));
/** One-time ids in paths, and the address to verify: text PostgreSQL can hold, of bounded length. */
const OneTimeId = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\u0000]*$' });
const ChangePasswordParams = Type.Object({ changePasswordId: OneTimeId });
const VerifyEmailParams = Type.Object({ verificationId: OneTimeId });
const ResendVerificationQuery = Type.Object({ email: Type.Optional(Type.String({ maxLength: 320, pattern: '^[^\\u0000]*$' })) });

function fail(reply: FastifyReply, error: unknown): void {
  if (!sendFaError(reply, error)) throw error;
}

export interface AccountRouteDeps {
  tenants: TenantService;
  account: AccountFlows;
}

/** Routes that need an API key. */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  app.post('/api/user/forgot-password', { schema: { body: ForgotPasswordSchema }, attachValidation: true }, async (request, reply) => {
    try {
      rejectInvalidBody(request);
      const body = request.body as { loginId: string; sendForgotPasswordEmail?: boolean };
      const tenant = await requestTenant(request, deps.tenants);
      if (!tenant) return reply.code(400).send(faErrors([], [TENANT_REQUIRED]));
      const result = await deps.account.forgotPassword(tenant, body.loginId, body.sendForgotPasswordEmail ?? true);
      return reply.send(result);
    } catch (error) {
      return fail(reply, error);
    }
  });

  // Change a password by proving the current one (404 when the login or current password is wrong).
  app.post('/api/user/change-password', { schema: { body: ChangeOwnPasswordSchema }, attachValidation: true }, async (request, reply) => {
    try {
      rejectInvalidBody(request);
      const body = request.body as { loginId: string; currentPassword: string; password: string };
      const tenant = await requestTenant(request, deps.tenants);
      if (!tenant) return reply.code(400).send(faErrors([], [TENANT_REQUIRED]));
      await deps.account.changePasswordWithCurrent(tenant, body.loginId, body.currentPassword, body.password);
      return reply.code(200).send({});
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.put<{ Querystring: { email?: string } }>('/api/user/verify-email', { schema: { querystring: ResendVerificationQuery }, attachValidation: true }, async (request, reply) => {
    try {
      rejectInvalidBody(request);
      const email = request.query.email;
      if (!email) throw new ValidationFailed([{ field: 'email', kind: 'blank', message: 'The email to send the verification to is required.' }]);
      const tenant = await requestTenant(request, deps.tenants);
      if (!tenant) return reply.code(400).send(faErrors([], [TENANT_REQUIRED]));
      return reply.send({ verificationId: await deps.account.resendVerification(tenant, email) });
    } catch (error) {
      return fail(reply, error);
    }
  });
}

/** Routes where the one-time id is the credential. */
export function registerAnonymousAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  app.post<{ Params: { changePasswordId: string } }>(
    '/api/user/change-password/:changePasswordId',
    { schema: { body: ChangePasswordSchema, params: ChangePasswordParams }, attachValidation: true },
    async (request, reply) => {
      try {
        rejectInvalidBody(request);
        await deps.account.changePassword(request.params.changePasswordId, (request.body as { password: string }).password);
        return reply.code(200).send({});
      } catch (error) {
        return fail(reply, error);
      }
    },
  );

  const verify = async (id: string | undefined, reply: FastifyReply) => {
    try {
      if (!id) throw new ValidationFailed([{ field: 'verificationId', kind: 'blank', message: 'The verification id is required.' }]);
      await deps.account.verifyEmail(id);
      return reply.code(200).send();
    } catch (error) {
      return fail(reply, error);
    }
  };
  app.post('/api/user/verify-email', { schema: { body: VerifyEmailSchema }, attachValidation: true }, async (request, reply) => {
    try {
      rejectInvalidBody(request);
    } catch (error) {
      return fail(reply, error);
    }
    return verify((request.body as { verificationId: string }).verificationId, reply);
  });
  app.post<{ Params: { verificationId: string } }>('/api/user/verify-email/:verificationId', { schema: { params: VerifyEmailParams }, attachValidation: true }, async (request, reply) => {
    try {
      rejectInvalidBody(request);
    } catch (error) {
      return fail(reply, error);
    }
    return verify(request.params.verificationId, reply);
  });
}
