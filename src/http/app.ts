/**
 * The HTTP application: Fastify with one Ajv, the OpenAPI document, the status probe and the
 * dialects, each in its own scope (prefix) with its own error and not-found handler.
 * Services are passed in explicitly; nothing is hung off the instance.
 */
import http from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiKeyService } from '../core/apikeys/api-key-service.js';
import type { KeyService } from '../core/keys/key-service.js';
import type { KeystoreService } from '../core/keys/keystore-service.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { LoginService } from '../core/login/login-service.js';
import type { JwtSigner } from '../core/tokens/jwt-signer.js';
import { registerLoginRoutes } from '../dialects/fusionauth/login-routes.js';
import { vaultAuthenticate } from '../dialects/vault/context.js';
import { registerVaultUserRoutes } from '../dialects/vault/user-routes.js';
import { registerVaultBlockRoutes } from '../dialects/vault/block-routes.js';
import { registerVaultClientRoutes, registerVaultPublicClientRoutes } from '../dialects/vault/client-routes.js';
import type { ClientService } from '../core/clients/client-service.js';
import type { Registration } from '../core/account/registration.js';
import type { MailThrottle } from '../core/account/mail-throttle.js';
import type { SubscriptionService } from '../core/plans/subscription-service.js';
import { registerPlusAuthSubscriptionRoutes } from '../dialects/plusauth/subscription-routes.js';
import { registerVaultKeystoreRoutes } from '../dialects/vault/keystore-routes.js';
import { type SessionOwner, registerVaultOwnSessionRoutes, registerVaultUserSessionRoutes } from '../dialects/vault/session-routes.js';
import type { SessionService } from '../core/sessions/session-service.js';
import { registerVaultBrandingRoutes } from '../dialects/vault/branding-routes.js';
import type { BlockService } from '../core/login/blocks.js';
import type { AccountFlows } from '../core/account/account-flows.js';
import type { EmailTemplateService } from '../core/email/email-template-service.js';
import { registerAccountRoutes, registerAnonymousAccountRoutes } from '../dialects/fusionauth/account-routes.js';
import { registerEmailTemplateRoutes } from '../dialects/fusionauth/email-template-routes.js';
import { faAuthenticate } from '../dialects/fusionauth/auth.js';
import { registerApiKeyRoutes } from '../dialects/fusionauth/api-key-routes.js';
import { renderFaFailure } from '../dialects/fusionauth/errors.js';
import { renderVaultFailure } from '../dialects/vault/errors.js';
import { renderPlusAuthFailure } from '../dialects/plusauth/errors.js';
import { plusAuthAuthenticate } from '../dialects/plusauth/auth.js';
import { registerPlusAuthSettingsRoutes } from '../dialects/plusauth/settings-routes.js';
import { registerPlusAuthAccountRoutes } from '../dialects/plusauth/account-routes.js';
import type { PlanDetails } from '../dialects/plusauth/subscription.js';
import { registerVaultTenantRoutes } from '../dialects/vault/tenant-routes.js';
import { registerKeyRoutes } from '../dialects/fusionauth/key-routes.js';
import { registerPasswordRulesRoute, registerTenantRoutes } from '../dialects/fusionauth/tenant-routes.js';
import { isReservedPathSegment } from '../core/tenants/reserved-slugs.js';
import { validatorCompiler } from './ajv.js';
import { registerJsonBodyParser } from './json-body.js';
import { type FailureRenderer, type Rendered, renderBareFailure, renderErrorsWith, sendRendered } from './error-scope.js';
import { type Failure, classify } from './failure.js';
import { registerApiDocs, registerOpenApi } from './openapi.js';
import { registerSystemRoutes } from './system-routes.js';
import { registerPages } from '../pages/index.js';
import { registerOidc } from '../oidc/mount.js';
import { issuerLane, refuseLaneShadowing } from '../oidc/issuer-lane.js';
import { registerVaultLogoutRoutes, registerVaultTenantTokenRoute, registerVaultTokenRoute } from '../oidc/vault-endpoints.js';
import type { ProviderPool } from '../oidc/tenant-pool.js';

export interface AppDeps {
  tenants: TenantService;
  keys: KeyService;
  keystore: KeystoreService;
  apiKeys: ApiKeyService;
  users: UserService;
  login: LoginService;
  signer: JwtSigner;
  blocks: BlockService;
  account: AccountFlows;
  emailTemplates: EmailTemplateService;
  clients: ClientService;
  /** Users' sign-in sessions. */
  sessions: SessionService;
  /** The user a user access token (from a tenant's provider) belongs to: the credential of /sessions. */
  userTokens: (token: string) => Promise<SessionOwner | undefined>;
  /** Self-service sign-up on the hosted pages. */
  registration: Registration;
  /** Sign-up and forgot-password requests per client IP (the hosted pages). */
  mailThrottle: MailThrottle;
  /** Tenants' subscription plans (GET/PUT /tenants/{tenant_id}/subscription). */
  subscriptions: SubscriptionService;
  /** True when the database answers (GET /api/status). */
  ready: () => Promise<boolean>;
  logger: Logger | false;
  bodyLimit: number;
  trustProxy: string[];
  version: string;
  /** PUBLIC_URL (the pages' cookies are Secure when it is https). */
  publicUrl: string;
  /** Every tenant's OpenID Provider. */
  oidc: ProviderPool;
  /** TESSERA_REGION: the region a tenant that records none shows (PlusAuth `region`). */
  region: string;
  /** The plan catalogue's `plan_details`, once there is one (src/dialects/plusauth/subscription.ts). */
  planDetails?: PlanDetails;
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

/** PlusAuth's tenant settings live under the Vault's prefix: /tenants/{tenant_id}/settings[/…]. */
const PLUSAUTH_SETTINGS_URL = /^\/tenants\/[^/?]+\/(?:settings|subscription)(?:[/?]|$)/;

/** The /tenants prefix: the Vault's, but for PlusAuth's settings. */
function renderTenantsFailure(failure: Failure): Rendered {
  return failure.type === 'noRoute' && PLUSAUTH_SETTINGS_URL.test(failure.url) ? renderPlusAuthFailure(failure) : renderVaultFailure(failure);
}

/** The dialects' scopes: each URL prefix and the renderer of its failures. */
const FUSIONAUTH = { prefix: '/api', render: renderFaFailure };
const VAULT = { prefix: '/tenants', render: renderTenantsFailure };
/** PlusAuth: an account's tenants under /users, a tenant's settings under /tenants. */
const PLUSAUTH_USERS = { prefix: '/users', render: renderPlusAuthFailure };
/** The Vault's client resources sit beside /tenants: /clients (API key) and /client (none). */
const VAULT_CLIENTS = { prefix: '/clients', render: renderVaultFailure };
const VAULT_PUBLIC_CLIENT = { prefix: '/client', render: renderVaultFailure };
const VAULT_TOKEN = { prefix: '/token', render: renderVaultFailure };
const VAULT_LOGOUT = { prefix: '/logout', render: renderVaultFailure };
/** A user's own sessions, authenticated by the user's access token. */
const VAULT_SESSIONS = { prefix: '/sessions', render: renderVaultFailure };

/** Failures the router meets before any scope (a bad %-escape, a path parameter over 1024 characters). */
function rendererForUrl(url: string): FailureRenderer {
  if (PLUSAUTH_SETTINGS_URL.test(url)) return renderPlusAuthFailure;
  const scope = [FUSIONAUTH, VAULT, VAULT_CLIENTS, VAULT_PUBLIC_CLIENT, VAULT_TOKEN, VAULT_LOGOUT, VAULT_SESSIONS, PLUSAUTH_USERS].find(({ prefix }) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));
  return scope?.render ?? renderBareFailure;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // The providers' hot endpoints reach the engine ahead of the router (src/oidc/issuer-lane.ts).
  const lane = issuerLane({ tenants: deps.tenants, oidc: deps.oidc, trustProxy: deps.trustProxy, logger: deps.logger });
  const common = {
    serverFactory: (handler: http.RequestListener, options: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number }) => {
      const server = http.createServer((req, res) => lane.route(req, res, handler));
      // What Fastify sets on a server it makes itself.
      if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
      if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
      server.setTimeout(options.connectionTimeout ?? 0);
      return server;
    },
    // maxParamLength: path parameters are validated by the route schemas (a 129-character username
    // is the Vault's 422), not cut off by the router's default of 100 characters (414).
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustProxy.length ? deps.trustProxy : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle' as const,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void sendRendered(reply, rendererForUrl(request.url)(classify(error))),
  };
  const app = (deps.logger ? Fastify({ ...common, loggerInstance: deps.logger }) : Fastify({ ...common, logger: false })) as unknown as FastifyInstance;
  refuseUnreservedRoutes(app);
  refuseLaneShadowing(app);
  app.addHook('preClose', (done) => {
    lane.close();
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the responses; they do not shape them. fast-json-stringify (Fastify's
  // default) would drop every property a schema does not list and coerce the rest, and the
  // FusionAuth tenant alone has hundreds of fields that FusionAuth's clients read.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerJsonBodyParser(app);
  // Outside the dialects' prefixes there is nothing: an empty 404.
  renderErrorsWith(app, renderBareFailure);
  await registerOpenApi(app, deps.version);

  // FusionAuth: everything under /api, errors in FusionAuth's shape.
  await app.register(
    async (fa) => {
      renderErrorsWith(fa, FUSIONAUTH.render);
      registerSystemRoutes(fa, deps, () => app.swagger());
      await registerApiDocs(fa);
      registerPasswordRulesRoute(fa, deps);
      registerAnonymousAccountRoutes(fa, deps);
      await fa.register(async (api) => {
        // onRequest: an unauthenticated caller is refused before its body is even read.
        api.addHook('onRequest', faAuthenticate(deps));
        registerTenantRoutes(api, deps);
        registerKeyRoutes(api, deps);
        registerApiKeyRoutes(api, deps);
        registerLoginRoutes(api, deps);
        registerAccountRoutes(api, deps);
        registerEmailTemplateRoutes(api, deps);
      });
    },
    { prefix: FUSIONAUTH.prefix },
  );

  // Vault: everything under /tenants, errors in FastAPI's shape. Unknown URLs are 404 with or
  // without a key (the key is checked by the routes' scope).
  await app.register(
    async (vault) => {
      renderErrorsWith(vault, VAULT.render);
      await vault.register(async (api) => {
        api.addHook('onRequest', vaultAuthenticate(deps));
        registerVaultUserRoutes(api, deps);
        registerVaultBlockRoutes(api, deps);
        registerVaultKeystoreRoutes(api, deps);
        registerVaultUserSessionRoutes(api, deps);
        registerVaultBrandingRoutes(api, deps);
        registerVaultTenantRoutes(api, deps);
      });
      // The client authenticates itself at the token endpoint: no API key.
      await registerVaultTenantTokenRoute(vault, deps);
    },
    { prefix: VAULT.prefix },
  );
  // The Vault's clients, tenant named by the query or body: /clients with a key, /client without.
  await app.register(
    async (vault) => {
      renderErrorsWith(vault, VAULT_CLIENTS.render);
      await vault.register(async (api) => {
        api.addHook('onRequest', vaultAuthenticate(deps));
        registerVaultClientRoutes(api, deps);
      });
    },
    { prefix: VAULT_CLIENTS.prefix },
  );
  await app.register(
    async (vault) => {
      renderErrorsWith(vault, VAULT_SESSIONS.render);
      await vault.register(async (own) => registerVaultOwnSessionRoutes(own, deps));
    },
    { prefix: VAULT_SESSIONS.prefix },
  );
  await app.register(
    async (vault) => {
      renderErrorsWith(vault, VAULT_PUBLIC_CLIENT.render);
      registerVaultPublicClientRoutes(vault, deps);
    },
    { prefix: VAULT_PUBLIC_CLIENT.prefix },
  );
  // The Vault's doors to the tenants' providers: token exchange and logout (src/oidc/vault-endpoints.ts).
  for (const [prefix, register] of [[VAULT_TOKEN, registerVaultTokenRoute], [VAULT_LOGOUT, registerVaultLogoutRoutes]] as const) {
    await app.register(
      async (vault) => {
        renderErrorsWith(vault, prefix.render);
        await register(vault, deps);
      },
      { prefix: prefix.prefix },
    );
  }
  // PlusAuth: a tenant's settings beside the Vault's routes under /tenants (errors in PlusAuth's
  // shape; unknown URLs there are told apart by renderTenantsFailure), an account's tenants under /users.
  await app.register(
    async (plusauth) => {
      renderErrorsWith(plusauth, renderPlusAuthFailure, { notFound: false });
      plusauth.addHook('onRequest', plusAuthAuthenticate(deps));
      registerPlusAuthSettingsRoutes(plusauth, deps);
    },
    { prefix: VAULT.prefix },
  );
  await app.register(
    async (plusauth) => {
      renderErrorsWith(plusauth, PLUSAUTH_USERS.render);
      await plusauth.register(async (api) => {
        api.addHook('onRequest', plusAuthAuthenticate(deps));
        registerPlusAuthAccountRoutes(api, deps);
      });
    },
    { prefix: PLUSAUTH_USERS.prefix },
  );
  // PlusAuth: a tenant's subscription beside the Vault's routes under /tenants, in PlusAuth's error shape.
  await app.register(async (plusauth) => registerPlusAuthSubscriptionRoutes(plusauth, deps), { prefix: VAULT.prefix });
  // OAuth endpoints render with renderOAuthFailure (src/dialects/oauth/errors.ts).
  // Hosted pages under /{slug}/… and their assets, with their own error pages (src/pages).
  await registerPages(app, deps);
  // Every tenant an OpenID Provider at its issuer path, /{slug}/… (src/oidc).
  await registerOidc(app, {
    ...deps,
    notFound: (request, reply) => sendRendered(reply, rendererForUrl(request.url)({ type: 'noRoute', method: request.method, url: request.url })),
  });
  return app;
}
