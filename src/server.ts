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
import { TenantService } from './core/tenants/tenant-service.js';
import { UserService } from './core/users/user-service.js';
import { LoginService } from './core/login/login-service.js';
import { JwtSigner } from './core/tokens/jwt-signer.js';
import { BlockService } from './core/login/blocks.js';
import { AccountFlows } from './core/account/account-flows.js';
import { EmailTemplateService } from './core/email/email-template-service.js';
import { Notifier } from './core/email/notifier.js';
import { OneTimeIds } from './core/onetime/one-time-ids.js';
import { type Mailer, TenantMailer } from './email/mailer.js';
import { MasterKey } from './crypto/master-key.js';
import { type DatabaseHandle, openDatabase } from './db/connect.js';
import { buildApp } from './http/app.js';
import { TableStatistics } from './storage/statistics.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  database: DatabaseHandle;
  tenants: TenantService;
  statistics: TableStatistics;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger | false;
  /** Where mail goes (default: each tenant's SMTP server, or the log for a tenant without one). */
  mailer?: Mailer;
  now?: () => number;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger === undefined ? pino({ level: config.logLevel }) : options.logger;
  const now = options.now ?? Date.now;
  const masterKey = config.masterKey ? MasterKey.fromSecret(config.masterKey) : MasterKey.fromFile(config.masterKeyFile);
  const database = await openDatabase(config.databaseUrl);
  const { db } = database;
  const keys = new KeyService({ db, masterKey, now });
  const tenants = new TenantService({
    db,
    dbKind: database.kind,
    keys,
    publicUrl: config.publicUrl,
    now,
    ...(logger ? { log: logger } : {}),
  });
  const apiKeys = new ApiKeyService({ db, now });
  // A deleted tenant takes its locked API keys with it.
  tenants.onDeleted = () => apiKeys.forgetCached();
  const statistics = new TableStatistics({ db, kind: database.kind, now, ...(logger ? { log: logger } : {}) });
  const users = new UserService({ db, now, statistics });
  const login = new LoginService({ db, users, now });
  const signer = new JwtSigner({ keys, now });
  const blocks = new BlockService({ db, now });
  const mailer: Mailer = options.mailer ?? new TenantMailer(logger || undefined);
  const emailTemplates = new EmailTemplateService({ db, now });
  const notifier = new Notifier({ mailer, templates: emailTemplates, now, ...(logger ? { log: logger } : {}) });
  const account = new AccountFlows({ db, tenants, users, ids: new OneTimeIds({ db, now }), notifier, publicUrl: config.publicUrl, now });
  // Sign-up and address changes send a verification email when the tenant asks for one.
  users.hooks.created = (tenant, user) => {
    if (tenant.settings.email.verifyEmail && !user.verified && user.email) account.sendVerificationLater(tenant, user);
  };
  users.hooks.emailChanged = (tenant, user) => account.sendVerificationLater(tenant, user);
  login.onUserLocked = (tenant, userId, until) => account.notifyLocked(tenant, userId, until);
  const bootstrapResult = await bootstrap({ db, tenants, apiKeys, apiKeyValue: config.bootstrapApiKey, now });
  await tenants.resumePendingDeletes();

  const app = await buildApp({ tenants, keys, apiKeys, users, login, signer, blocks, account, emailTemplates, ready: database.ping, logger, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, version, publicUrl: config.publicUrl });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let stopping: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    database,
    tenants,
    statistics,
    bootstrap: bootstrapResult,
    stop() {
      // Stop accepting, let in-flight requests finish, then finish background work and close the pool.
      stopping ??= (async () => {
        await app.close();
        await tenants.settle();
        await notifier.settle();
        await statistics.settle();
        mailer.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
