/**
 * FusionAuth Login API: POST /api/login with FusionAuth's status codes — 200 success (user and
 * JWT), 404 unknown user or wrong password (one answer for both), 409 locked, 203 password
 * change required, 212 email not verified; 429 while the client IP is blocked.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { LoginService } from '../../core/login/login-service.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import type { JwtSigner } from '../../core/tokens/jwt-signer.js';
import { TENANT_REQUIRED, requestTenant } from './tenant-context.js';
import type { AccountFlows } from '../../core/account/account-flows.js';
import { faErrors, sendFaError } from './errors.js';
import { objectBody } from './request.js';
import { toFaUser } from './user-json.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';

const LoginRequestSchema = nullMeansAbsent(Type.Object({
  loginId: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 4096 }),
  applicationId: Type.Optional(Type.String({ format: 'uuid' })),
  ipAddress: Type.Optional(Type.String({ maxLength: 64 })),
  noJWT: Type.Optional(Type.Boolean()),
}));

interface LoginBody {
  loginId: string;
  password: string;
  ipAddress?: string;
  noJWT?: boolean;
}

export interface LoginDeps {
  tenants: TenantService;
  login: LoginService;
  signer: JwtSigner;
  account: AccountFlows;
}

export function registerLoginRoutes(app: FastifyInstance, deps: LoginDeps): void {
  app.post('/api/login', { schema: { body: LoginRequestSchema }, attachValidation: true }, async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const body = objectBody<LoginBody>(request);
      const tenant = await requestTenant(request, deps.tenants);
      if (!tenant) return reply.code(400).send(faErrors([], [TENANT_REQUIRED]));
      // A trusted caller (it holds an API key) may pass the end user's address.
      const ip = body.ipAddress && isIP(body.ipAddress) ? body.ipAddress : request.ip;
      const result = await deps.login.login(tenant, { loginId: body.loginId, password: body.password, ip });
      switch (result.outcome) {
        case 'invalidCredentials':
          return reply.code(404).send();
        case 'userLocked':
        case 'disabled':
          return reply.code(409).send();
        case 'ipBlocked':
          if (result.until) reply.header('retry-after', Math.max(1, Math.ceil((result.until - Date.now()) / 1000)));
          return reply.code(429).send();
        case 'changePasswordRequired':
          return reply.code(203).send({
            changePasswordId: await deps.account.changePasswordIdFor(tenant, result.user),
            changePasswordReason: result.reason,
            user: toFaUser(result.user),
          });
        case 'emailNotVerified':
          return reply.code(212).send({ user: toFaUser(result.user) });
        case 'ok': {
          const user = toFaUser(result.user);
          if (body.noJWT) return reply.code(200).send({ user });
          const { token, expiresAt } = await deps.signer.accessToken(tenant, result.user.id, {
            email: result.user.email ?? undefined,
            preferred_username: result.user.username ?? undefined,
            authenticationType: 'PASSWORD',
          });
          return reply.code(200).send({ user, token, tokenExpirationInstant: expiresAt });
        }
      }
    } catch (error) {
      if (!sendFaError(reply, error)) throw error;
    }
  });
}
