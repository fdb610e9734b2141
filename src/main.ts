/**
 * `npm start`'s entry point: check the environment, start, report the first-start API key once
 * (one structured log line), warn about a TESSERA_API_KEY that is not a stored key, stop on
 * SIGTERM/SIGINT. A configuration error is one line on stderr and exit code 2, before anything
 * is opened or created.
 */
import os from 'node:os';

// Password hashing and key generation run on libuv's thread pool (default 4 threads). libuv
// reads this when the pool first starts: `npm start` (scripts/start.cjs) sets it before any
// module loads; here it helps only when the pool has not started yet.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, os.availableParallelism() * 2));
const { ConfigError, loadConfig } = await import('./config/config.js');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(2);
}

const { default: pino } = await import('pino');
const { startServer } = await import('./server.js');
const logger = pino({ level: config.logLevel });

try {
  const server = await startServer(config, { logger });
  const { generatedApiKey, apiKeyIgnored } = server.bootstrap;
  if (generatedApiKey) {
    // Logged whatever LOG_LEVEL says: it cannot be shown again, only its hash is stored.
    logger.child({}, { level: 'info' }).info({ apiKey: generatedApiKey, shownOnce: true }, 'First start: superuser API key created; it is shown only this once, store it now');
  }
  if (apiKeyIgnored) {
    logger.warn('TESSERA_API_KEY is not a stored API key: it only sets the superuser key on the first start, and this database was set up before; requests with it will be refused (401)');
  }
  logger.info({ url: config.publicUrl, host: config.host, port: Number(new URL(server.url).port) }, 'Tessera listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.fatal({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'start failed');
  process.exit(1);
}
