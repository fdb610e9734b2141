/** `npm start`: read the environment, start, print the first-start API key once, stop on SIGTERM. */
import os from 'node:os';

// Password hashing and key generation run on libuv's thread pool (default 4 threads); size it to
// the machine before anything uses it, so hashing never queues behind too few threads.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() * 2));
const { ConfigError, loadConfig } = await import('./config/config.js');
const { startServer } = await import('./server.js');

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config);
  if (server.bootstrap.generatedApiKey) {
    // Printed once, on the first start; only its hash is stored.
    process.stdout.write(
      `\n  Tessera is set up. Superuser API key (shown only this once):\n\n    ${server.bootstrap.generatedApiKey}\n\n`,
    );
  }
  process.stdout.write(`  Tessera listening on ${config.publicUrl} (bound to ${config.host}:${config.port})\n`);

  const shutdown = (signal: string) => {
    process.stdout.write(`  ${signal} received: finishing in-flight requests…\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
