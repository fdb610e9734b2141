/**
 * The HTTP application: Fastify with one Ajv, the OpenAPI document, the status probe and the
 * dialects. Services are passed in explicitly; nothing is hung off the instance.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import type { ApiKeyService } from '../core/apikeys/api-key-service.js';
import type { KeyService } from '../core/keys/key-service.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { LoginService } from '../core/login/login-service.js';
import type { JwtSigner } from '../core/tokens/jwt-signer.js';
import { registerLoginRoutes } from '../dialects/fusionauth/login-routes.js';
import { vaultAuthenticate } from '../dialects/vault/context.js';
import { registerVaultUserRoutes } from '../dialects/vault/user-routes.js';
import { registerVaultBlockRoutes } from '../dialects/vault/block-routes.js';
import type { BlockService } from '../core/login/blocks.js';
import type { AccountFlows } from '../core/account/account-flows.js';
import type { EmailTemplateService } from '../core/email/email-template-service.js';
import { registerAccountRoutes, registerAnonymousAccountRoutes } from '../dialects/fusionauth/account-routes.js';
import { registerEmailTemplateRoutes } from '../dialects/fusionauth/email-template-routes.js';
import { faAuthenticate } from '../dialects/fusionauth/auth.js';
import { registerApiKeyRoutes } from '../dialects/fusionauth/api-key-routes.js';
import { faErrors } from '../dialects/fusionauth/errors.js';
import { registerKeyRoutes } from '../dialects/fusionauth/key-routes.js';
import { registerPasswordRulesRoute, registerTenantRoutes } from '../dialects/fusionauth/tenant-routes.js';
import { isReservedPathSegment } from '../core/tenants/reserved-slugs.js';
import { validatorCompiler } from './ajv.js';
import { BodyRefused, registerJsonBodyParser } from './json-body.js';
import { registerPages } from '../pages/index.js';

export interface AppDeps {
  tenants: TenantService;
  keys: KeyService;
  apiKeys: ApiKeyService;
  users: UserService;
  login: LoginService;
  signer: JwtSigner;
  blocks: BlockService;
  account: AccountFlows;
  emailTemplates: EmailTemplateService;
  /** True when the database answers (GET /api/status). */
  ready: () => Promise<boolean>;
  logger: Logger | false;
  bodyLimit: number;
  trustProxy: string[];
  version: string;
  /** PUBLIC_URL (the pages' cookies are Secure when it is https). */
  publicUrl: string;
}

/**
 * Every route must start with a reserved segment (src/core/tenants/reserved-slugs.ts) or with
 * a parameter (a tenant's slug), so no route can shadow a tenant's paths: an unlisted one
 * throws while the app is built. Install before any route is registered.
 */
export function refuseUnreservedRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const first = route.url.split('/')[1] ?? '';
    if (first === '' || first.startsWith(':') || isReservedPathSegment(first)) return;
    throw new Error(`Route ${route.url}: its first segment "${first}" is not in RESERVED_PATH_SEGMENTS (src/core/tenants/reserved-slugs.ts), so a tenant could take it as its slug`);
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const common = { bodyLimit: deps.bodyLimit, trustProxy: deps.trustProxy.length ? deps.trustProxy : false, return503OnClosing: true, forceCloseConnections: 'idle' as const };
  const app = (deps.logger ? Fastify({ ...common, loggerInstance: deps.logger }) : Fastify({ ...common, logger: false })) as unknown as FastifyInstance;
  refuseUnreservedRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  registerJsonBodyParser(app);

  // One rendering point for framework-level failures (bad JSON, oversized or unsupported bodies).
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send();
    }
    const code =
      error instanceof BodyRefused ? error.code : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? '[invalidJSON]' : `[${error.code ?? 'invalid'}]`;
    return reply.code(status).send(faErrors([], [{ code, message: error.message }]));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send());

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Tessera', version: deps.version, description: 'Multi-tenant identity provider: FusionAuth-compatible API.' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'Authorization' } } },
      security: [{ apiKey: [] }],
    },
  });

  app.get('/api/status', { schema: { hide: false, security: [] } }, async (_request, reply) => {
    const ok = await deps.ready();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerPasswordRulesRoute(app, deps);
  registerAnonymousAccountRoutes(app, deps);
  await app.register(async (api) => {
    // onRequest: an unauthenticated caller is refused before its body is even read.
    api.addHook('onRequest', faAuthenticate(deps));
    registerTenantRoutes(api, deps);
    registerKeyRoutes(api, deps);
    registerApiKeyRoutes(api, deps);
    registerLoginRoutes(api, deps);
    registerAccountRoutes(api, deps);
    registerEmailTemplateRoutes(api, deps);
  });
  await app.register(async (vault) => {
    vault.addHook('onRequest', vaultAuthenticate(deps));
    registerVaultUserRoutes(vault, deps);
    registerVaultBlockRoutes(vault, deps);
  });
  await registerPages(app, deps);
  return app;
}
