/**
 * FusionAuth user account flows: forgot password, change password by id, verify email, and
 * resend verification. Change-password-by-id and verify-email need no API key (the id is the
 * credential), as in FusionAuth; the others do.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AccountFlows } from '../../core/account/account-flows.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { Done, DoneObject, faOperation } from './responses.js';
import { requestTenant } from './tenant-context.js';
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

export interface AccountRouteDeps {
  tenants: TenantService;
  account: AccountFlows;
}

const TAG = 'User account';
const NeedsTenant = 'The tenant comes from X-FusionAuth-TenantId or a tenant-locked key; with neither, the only tenant (else 400 [TenantIdRequired]).';

/** Routes that need an API key. Paths are under the FusionAuth scope's prefix, /api. */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const forgotOp = {
    summary: 'Start a forgotten-password flow: mail a change-password link, or return its id',
    description: NeedsTenant,
    tag: TAG,
    body: ForgotPasswordSchema,
    responses: { 200: Type.Object({ changePasswordId: Type.Optional(Type.String()) }, { additionalProperties: true, description: 'The change-password id when sendForgotPasswordEmail is false' }) },
    errors: [400, 401, 404, 503],
  };
  app.post('/user/forgot-password', { schema: faOperation(forgotOp) }, async (request, reply) => {
    const body = request.body as { loginId: string; sendForgotPasswordEmail?: boolean };
    const tenant = await requestTenant(request, deps.tenants);
    return reply.send(await deps.account.forgotPassword(tenant, body.loginId, body.sendForgotPasswordEmail ?? true));
  });

  const changeOwnOp = {
    summary: 'Change a password by proving the current one',
    description: `404 when the login or the current password is wrong. ${NeedsTenant}`,
    tag: TAG,
    body: ChangeOwnPasswordSchema,
    responses: { 200: DoneObject },
    errors: [400, 401, 404],
  };
  app.post('/user/change-password', { schema: faOperation(changeOwnOp) }, async (request, reply) => {
    const body = request.body as { loginId: string; currentPassword: string; password: string };
    const tenant = await requestTenant(request, deps.tenants);
    await deps.account.changePasswordWithCurrent(tenant, body.loginId, body.currentPassword, body.password);
    return reply.code(200).send({});
  });

  const resendOp = {
    summary: 'Send the email verification message again',
    description: NeedsTenant,
    tag: TAG,
    querystring: Type.Object({ email: Type.String({ minLength: 1, maxLength: 320, pattern: '^[^\\u0000]*$', description: 'The address to verify' }) }),
    responses: { 200: Type.Object({ verificationId: Type.String() }, { additionalProperties: true, description: 'The new verification id' }) },
    errors: [400, 401, 404, 503],
  };
  app.put<{ Querystring: { email: string } }>('/user/verify-email', { schema: faOperation(resendOp) }, async (request, reply) => {
    const tenant = await requestTenant(request, deps.tenants);
    return reply.send({ verificationId: await deps.account.resendVerification(tenant, request.query.email) });
  });
}

/** Routes where the one-time id is the credential (no API key). Under /api. */
export function registerAnonymousAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const changeOp = {
    summary: 'Change a password with a change-password id (no API key: the id is the credential; it works once)',
    tag: TAG,
    params: ChangePasswordParams,
    body: ChangePasswordSchema,
    responses: { 200: DoneObject },
    errors: [400, 404],
    anonymous: true,
  };
  app.post<{ Params: { changePasswordId: string } }>('/user/change-password/:changePasswordId', { schema: faOperation(changeOp) }, async (request, reply) => {
    await deps.account.changePassword(request.params.changePasswordId, (request.body as { password: string }).password);
    return reply.code(200).send({});
  });

  const verifyOp = { summary: 'Verify an email address with its verification id (no API key)', tag: TAG, responses: { 200: Done }, errors: [400, 404], anonymous: true };
  app.post('/user/verify-email', { schema: faOperation({ ...verifyOp, body: VerifyEmailSchema }) }, async (request, reply) => {
    await deps.account.verifyEmail((request.body as { verificationId: string }).verificationId);
    return reply.code(200).send();
  });
  app.post<{ Params: { verificationId: string } }>(
    '/user/verify-email/:verificationId',
    { schema: faOperation({ ...verifyOp, summary: 'Verify an email address, the id in the path (no API key)', params: VerifyEmailParams }) },
    async (request, reply) => {
      await deps.account.verifyEmail(request.params.verificationId);
      return reply.code(200).send();
    },
  );
}
