/**
 * Wiring: config → database → services → HTTP. `startServer` is what `npm start` and the
 * tests both run, so the tests exercise the real composition.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';
import { ApiKeyService } from './core/apikeys/api-key-service.js';
import { type BootstrapResult, bootstrap } from './core/bootstrap.js';
import { KeyService } from './core/keys/key-service.js';
import { KeystoreService } from './core/keys/keystore-service.js';
import { TenantService } from './core/tenants/tenant-service.js';
import { UserService } from './core/users/user-service.js';
import { LoginService } from './core/login/login-service.js';
import { JwtSigner } from './core/tokens/jwt-signer.js';
import { BlockService } from './core/login/blocks.js';
import { AccountFlows } from './core/account/account-flows.js';
import { Registration } from './core/account/registration.js';
import { MailThrottle } from './core/account/mail-throttle.js';
import { EmailTemplateService } from './core/email/email-template-service.js';
import { ClientService } from './core/clients/client-service.js';
import { PlanPolicy } from './core/plans/plan-policy.js';
import { SubscriptionService } from './core/plans/subscription-service.js';
import { Notifier } from './core/email/notifier.js';
import { OneTimeIds } from './core/onetime/one-time-ids.js';
import { type Mailer, TenantMailer } from './email/mailer.js';
import { MasterKey } from './crypto/master-key.js';
import { type DatabaseHandle, openDatabase } from './db/connect.js';
import { buildApp } from './http/app.js';
import type { Storage } from './storage/contract.js';
import { createStorage } from './storage/kysely-storage.js';
import { ChangeBus } from './core/events/change-bus.js';
import { ChangeFeedPoller } from './core/events/change-feed-poller.js';
import { Signals } from './core/events/signals.js';
import { ProviderPool } from './oidc/tenant-pool.js';
import { ExpiredArtefactPurge } from './oidc/expiry-purge.js';
import { revokeRefreshTokensPerPolicy } from './oidc/token-revocation.js';
import { SessionService, endSessionsOnSignals } from './core/sessions/session-service.js';
import { ClientDescriber } from './clientinfo/access.js';
import { CountryLookup } from './clientinfo/country.js';
import { userTokenAuthenticator } from './oidc/user-token.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  database: DatabaseHandle;
  storage: Storage;
  tenants: TenantService;
  /** Subscription plans: the catalogue in force and what each plan allows. */
  plans: PlanPolicy;
  /** A tenant's OAuth clients (the provider verifies client secrets through it). */
  clients: ClientService;
  /** Each tenant's signing keys: rotation, revocation, public and signing JWKS. */
  keystore: KeystoreService;
  /** Change events: subscribe to hear tenant, key and API-key changes from every instance. */
  changes: ChangeBus;
  changeFeed: ChangeFeedPoller;
  /** The tenants' OpenID Providers. */
  oidc: ProviderPool;
  /** Background maintenance (planner statistics after bulk imports). */
  statistics: { settle(): Promise<void> };
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger | false;
  /** Where mail goes (default: each tenant's SMTP server, or the log for a tenant without one). */
  mailer?: Mailer;
  now?: () => number;
  /** How long tenants and API keys stay cached (default READ_CACHE_TTL_MS; change events clear them sooner). */
  cacheTtlMs?: number;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger === undefined ? pino({ level: config.logLevel }) : options.logger;
  const now = options.now ?? Date.now;
  const masterKey = config.masterKey ? MasterKey.fromSecret(config.masterKey) : MasterKey.fromFile(config.masterKeyFile);
  // Read before anything is opened: a database file that is not one stops the start here.
  const countries = CountryLookup.open(config.geoipDb);
  const database = await openDatabase(config.databaseUrl);
  const log = logger || undefined;
  const storage = createStorage(database, { now, ...(log ? { log } : {}) });
  const changes = new ChangeBus({ storage, now, ...(log ? { log } : {}) });
  const changeFeed = new ChangeFeedPoller({ storage, bus: changes, now, ...(log ? { log } : {}) });
  const signals = new Signals(log);
  const cacheTtl = options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {};
  const keys = new KeyService({ storage, changes, masterKey, now });
  const keystore = new KeystoreService({ storage, changes, keys, now, ...cacheTtl });
  const plans = new PlanPolicy({ catalogue: config.plans, defaultPlan: config.defaultPlan });
  const tenants = new TenantService({ storage, changes, keys, keystore, publicUrl: config.publicUrl, region: config.region, plans, now, ...cacheTtl, ...(log ? { log } : {}) });
  const subscriptions = new SubscriptionService({ tenants, plans });
  const apiKeys = new ApiKeyService({ storage, changes, now, ...cacheTtl });
  const users = new UserService({ storage, now, signals, plans });
  const login = new LoginService({ storage, users, signals, now });
  const signer = new JwtSigner({ keys, changes, now });
  const blocks = new BlockService({ storage, now });
  const mailer: Mailer = options.mailer ?? new TenantMailer(log);
  const emailTemplates = new EmailTemplateService({ storage, now });
  const clients = new ClientService({ storage, changes, keystore, plans, now });
  const notifier = new Notifier({ mailer, templates: emailTemplates, now, ...(log ? { log } : {}) });
  const account = new AccountFlows({ storage, tenants, users, ids: new OneTimeIds({ storage, now }), notifier, publicUrl: config.publicUrl, now });
  const registration = new Registration({ users, account });
  const mailThrottle = new MailThrottle({ storage, now });
  // Sign-up and address changes send a verification email when the tenant asks for one.
  signals.on('user.created', ({ tenant, user }) => {
    if (tenant.settings.email.verifyEmail && !user.verified && user.email) account.sendVerificationLater(tenant, user);
  });
  signals.on('user.emailChanged', ({ tenant, user }) => account.sendVerificationLater(tenant, user));
  signals.on('user.locked', ({ tenant, userId, until }) => {
    if (tenant.settings.userLockout.notifyUser) account.notifyLocked(tenant, userId, until);
  });
  const bootstrapResult = await bootstrap({ storage, tenants, apiKeys, apiKeyValue: config.bootstrapApiKey, now });
  await tenants.resumePendingDeletes();
  await changeFeed.start();
  const clientInfo = new ClientDescriber(countries);
  const sessions = new SessionService({ storage, users, now });
  endSessionsOnSignals(signals, sessions);
  const oidc = new ProviderPool({ storage, keys, keystore, users, masterKey, publicUrl: config.publicUrl, behindProxy: config.trustProxy.length > 0, clientInfo, now, changes, maxProviders: config.maxProviders, ...(log ? { log } : {}) });
  const userTokens = userTokenAuthenticator({ storage, tenants, users, oidc });
  const oidcPurge = new ExpiredArtefactPurge({ storage, now, ...(log ? { log } : {}) });
  oidcPurge.start();
  revokeRefreshTokensPerPolicy({ storage, signals, ...(log ? { log } : {}) });

  const app = await buildApp({ tenants, keys, keystore, apiKeys, users, login, signer, blocks, account, emailTemplates, clients, sessions, userTokens, registration, mailThrottle, subscriptions, planDetails: (plan) => plans.details(plan), ready: () => storage.ping(), logger, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, version, publicUrl: config.publicUrl, oidc, region: config.region });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let stopping: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    database,
    storage,
    tenants,
    plans,
    clients,
    keystore,
    changes,
    changeFeed,
    oidc,
    statistics: { settle: () => storage.settle() },
    bootstrap: bootstrapResult,
    stop() {
      // Stop accepting, let in-flight requests finish, then finish background work and close the pool.
      stopping ??= (async () => {
        await app.close();
        await changeFeed.stop();
        await oidcPurge.stop();
        await tenants.settle();
        await notifier.settle();
        mailer.close();
        await storage.close();
      })();
      return stopping;
    },
  };
}
