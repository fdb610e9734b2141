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
import { requestTenant } from './tenant-context.js';
import type { AccountFlows } from '../../core/account/account-flows.js';
import { emptyResponse } from '../../http/operation.js';
import { FaUser, faOperation } from './responses.js';
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

const LoginResponse = Type.Object(
  { user: FaUser, token: Type.Optional(Type.String({ description: "A JWT signed with the tenant's access-token key" })), tokenExpirationInstant: Type.Optional(Type.Integer()) },
  { additionalProperties: true, description: 'Logged in' },
);
const loginOp = {
  summary: 'Log a user in with a login id (email or username) and password',
  description: 'The tenant comes from X-FusionAuth-TenantId or a tenant-locked key; with neither, the only tenant.',
  tag: 'Login',
  body: LoginRequestSchema,
  responses: {
    200: LoginResponse,
    203: Type.Object(
      { changePasswordId: Type.String(), changePasswordReason: Type.String(), user: FaUser },
      { additionalProperties: true, description: 'The password must be changed first (use changePasswordId)' },
    ),
    212: Type.Object({ user: FaUser }, { additionalProperties: true, description: 'The email address is not verified' }),
    404: emptyResponse('Unknown user or wrong password (one answer for both; empty body)'),
    409: emptyResponse('The user is locked or disabled (empty body)'),
    429: emptyResponse('The client IP is blocked; Retry-After says for how long (empty body)'),
  },
  errors: [400, 401],
};

/** Paths are under the FusionAuth scope's prefix, /api. */
export function registerLoginRoutes(app: FastifyInstance, deps: LoginDeps): void {
  app.post('/login', { schema: faOperation(loginOp) }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as LoginBody;
    const tenant = await requestTenant(request, deps.tenants);
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
  });
}
