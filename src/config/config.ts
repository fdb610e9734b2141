/**
 * Configuration, read from the environment in one place and validated at start.
 * Every default is documented here and in the README's "Configuration" table.
 */
import { isIP } from 'node:net';
import path from 'node:path';

export interface Config {
  /** PORT — TCP port to listen on. Default 9011 (FusionAuth's port, so its clients find us). */
  port: number;
  /** HOST — interface to bind. Default 0.0.0.0. */
  host: string;
  /** PUBLIC_URL — externally visible base URL; tenant issuers default to `{PUBLIC_URL}/{slug}`. */
  publicUrl: string;
  /** DATABASE_URL — `sqlite:./data/tessera.db` (default) or `postgres://…`. */
  databaseUrl: string;
  /** TESSERA_API_KEY — on first start with an empty database, the superuser API key's value. */
  bootstrapApiKey: string | undefined;
  /** TESSERA_MASTER_KEY — key that encrypts private key material at rest; else a key file under ./data. */
  masterKey: string | undefined;
  /** Where the generated master key file lives when TESSERA_MASTER_KEY is not set. */
  masterKeyFile: string;
  /** LOG_LEVEL — pino level. Default `info`. */
  logLevel: string;
  /** Largest accepted request body in bytes (1 MiB); larger bodies are answered 413. */
  bodyLimit: number;
  /**
   * TRUST_PROXY — comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed.
   * Empty (default): the client IP is the socket's peer, whatever headers say.
   */
  trustProxy: string[];
}

export class ConfigError extends Error {}

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseTrustProxy(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    if (!isIP(address ?? '') || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new ConfigError(`TRUST_PROXY entries must be IP addresses or CIDR ranges, got "${entry}"`);
    }
  }
  return entries;
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT, 9011);
  const host = env.HOST || '0.0.0.0';
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${publicUrl}"`);
  }
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/tessera.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.has(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);
  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    bootstrapApiKey: env.TESSERA_API_KEY || undefined,
    masterKey: env.TESSERA_MASTER_KEY || undefined,
    masterKeyFile: path.resolve(env.TESSERA_DATA_DIR || './data', 'master.key'),
    logLevel,
    bodyLimit: 1024 * 1024,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
