/**
 * Configuration, read from the environment in one place and validated at start, before anything
 * is opened or created. Every default and every rule is documented here and in the README's
 * "Configuration" table. An invalid value is a ConfigError whose message is one line that
 * names the variable and the rule (and never repeats a secret's value).
 */
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { masterKeyProblem } from '../crypto/master-key.js';
import { mmdbProblem } from '../clientinfo/country.js';
import { CatalogueInvalid, type PlanCatalogue, type PlanName, PLAN_NAMES, isPlanName, parseCatalogue } from '../core/plans/catalogue.js';

export interface Config {
  /** PORT — TCP port to listen on, 0–65535. Default 9011 (FusionAuth's port, so its clients find us). */
  port: number;
  /** HOST — interface to bind: an IP address or a host name. Default 0.0.0.0. */
  host: string;
  /** PUBLIC_URL — externally visible absolute http(s) base URL; tenant issuers default to `{PUBLIC_URL}/{slug}`. */
  publicUrl: string;
  /** DATABASE_URL — `sqlite:<file>`, `sqlite::memory:` or `postgres://…`. Default `sqlite:{TESSERA_DATA_DIR}/tessera.db`. */
  databaseUrl: string;
  /** TESSERA_API_KEY — on first start with an empty database, the superuser API key's value (16–512 characters). */
  bootstrapApiKey: string | undefined;
  /** TESSERA_MASTER_KEY — key that encrypts private key material at rest; else a key file in the data folder. */
  masterKey: string | undefined;
  /** TESSERA_DATA_DIR — the data folder (default ./data): the master key file, and the default SQLite database. */
  dataDir: string;
  /** Where the generated master key file lives when TESSERA_MASTER_KEY is not set. */
  masterKeyFile: string;
  /** LOG_LEVEL — pino level. Default `info`. */
  logLevel: string;
  /** TESSERA_PLANS — the plan catalogue file (JSON); default the shipped `plans/catalogue.json`. Read and checked at start. */
  plans: PlanCatalogue;
  /** TESSERA_DEFAULT_PLAN — the plan a new tenant is on. Default `on-premise` (no limits: a self-hosted install). */
  defaultPlan: PlanName;
  /** Largest accepted request body in bytes (1 MiB); larger bodies are answered 413. */
  bodyLimit: number;
  /** OIDC_PROVIDER_POOL — how many tenants' OpenID Providers are kept built (least recently used out first). Default 1000. */
  maxProviders: number;
  /**
   * TRUST_PROXY — comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed.
   * Empty (default): the client IP is the socket's peer, whatever headers say.
   */
  trustProxy: string[];
  /**
   * GEOIP_DB — an IP-to-country database (MaxMind DB format) to use instead of the bundled one,
   * for the countries users' sessions record. Unset: the database the
   * `@ip-location-db/geo-whois-asn-country-mmdb` package ships.
   */
  geoipDb: string | undefined;
  /**
   * TESSERA_REGION — the region a new tenant records (PlusAuth `region`, seed 002's value
   * `tr-1` by default): 1–32 lowercase letters, digits and inner hyphens.
   */
  region: string;
}

export class ConfigError extends Error {}

/** The API key rule, as the API key service applies it to every key it creates. */
export const API_KEY_MIN_LENGTH = 16;
export const API_KEY_MAX_LENGTH = 512;
/** libuv's own ceiling for its thread pool. */
const MAX_THREADPOOL_SIZE = 1024;

export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A value quoted for a one-line message: JSON escapes newlines and control characters. */
const quoted = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);

function integer(name: string, raw: string, min: number, max: number): number {
  const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${quoted(raw)}`);
  return value;
}

const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function parseHost(raw: string): string {
  if (!isIP(raw) && !HOSTNAME.test(raw)) throw new ConfigError(`HOST must be an IP address or a host name, got ${quoted(raw)}`);
  return raw;
}

function parsePublicUrl(raw: string): string {
  const rule = 'PUBLIC_URL must be an absolute http:// or https:// URL without query, fragment or credentials';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${rule}, got ${quoted(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${rule}, got ${quoted(raw)}`);
  }
  return raw.replace(/\/+$/, '');
}

function parseDatabaseUrl(raw: string): string {
  const rule = 'DATABASE_URL must be sqlite:<file>, sqlite::memory: or postgres://user@host:port/database';
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length);
    if (file === ':memory:') return raw;
    if (!file || file.includes('\0')) throw new ConfigError(`${rule}, got ${quoted(raw)}`);
    if (isDirectory(file)) throw new ConfigError(`DATABASE_URL names a folder, not a database file: ${quoted(raw)}`);
    return raw;
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
      return raw;
    } catch {
      // fall through to the error below
    }
  }
  // Only the scheme is shown: the rest may hold a password.
  throw new ConfigError(`${rule}, got a URL starting ${quoted(raw.split(/[:/]/)[0] ?? '')}`);
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The data folder must be a folder, or creatable: its nearest existing ancestor is a writable folder. */
function parseDataDir(raw: string): string {
  const dir = path.resolve(raw);
  const rule = 'TESSERA_DATA_DIR must be a writable folder or a path where one can be created';
  if (raw.includes('\0')) throw new ConfigError(`${rule}, got ${quoted(raw)}`);
  for (let candidate = dir; ; candidate = path.dirname(candidate)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(candidate);
    } catch {
      stat = undefined;
    }
    if (stat) {
      if (!stat.isDirectory()) throw new ConfigError(`${rule}; ${quoted(candidate)} is not a folder`);
      try {
        fs.accessSync(candidate, fs.constants.W_OK | fs.constants.X_OK);
      } catch {
        throw new ConfigError(`${rule}; ${quoted(candidate)} is not writable`);
      }
      return dir;
    }
    if (path.dirname(candidate) === candidate) return dir;
  }
}

function parseTrustProxy(raw: string): string[] {
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
      throw new ConfigError(`TRUST_PROXY must be comma-separated IP addresses or CIDR ranges, got ${quoted(entry)}`);
    }
  }
  return entries;
}

function parseGeoipDb(raw: string): string {
  const file = path.resolve(raw);
  const problem = raw.includes('\0') ? 'is not a readable file' : mmdbProblem(file);
  if (problem) throw new ConfigError(`GEOIP_DB must name a readable MaxMind DB (.mmdb) file: ${quoted(raw)} ${problem}`);
  return file;
}

export const DEFAULT_REGION = 'tr-1';
const REGION = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

function parseRegion(raw: string): string {
  if (!REGION.test(raw)) throw new ConfigError(`TESSERA_REGION must be 1 to 32 lowercase letters, digits and inner hyphens, got ${quoted(raw)}`);
  return raw;
}

/** The catalogue shipped in the repository (from dist/src/config/, three folders up). */
export const SHIPPED_PLAN_CATALOGUE = fileURLToPath(new URL('../../../plans/catalogue.json', import.meta.url));

function loadPlanCatalogue(given: string | undefined): PlanCatalogue {
  const file = given ?? SHIPPED_PLAN_CATALOGUE;
  const which = given === undefined ? `unset, and the shipped catalogue ${quoted(file)}` : `file ${quoted(file)}`;
  if (file.includes('\0')) throw new ConfigError(`TESSERA_PLANS must name a JSON file, got ${quoted(file)}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`TESSERA_PLANS ${which} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`TESSERA_PLANS ${which} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)}`);
  }
  try {
    return parseCatalogue(json);
  } catch (error) {
    if (!(error instanceof CatalogueInvalid)) throw error;
    throw new ConfigError(`TESSERA_PLANS ${which}: ${error.message.replace(/\s+/g, ' ')}`);
  }
}

function parseDefaultPlan(raw: string): PlanName {
  if (!isPlanName(raw)) throw new ConfigError(`TESSERA_DEFAULT_PLAN must be one of ${PLAN_NAMES.join(', ')}, got ${quoted(raw)}`);
  return raw;
}

function parseApiKey(raw: string): string {
  if (raw.length < API_KEY_MIN_LENGTH || raw.length > API_KEY_MAX_LENGTH) {
    throw new ConfigError(`TESSERA_API_KEY must be ${API_KEY_MIN_LENGTH} to ${API_KEY_MAX_LENGTH} characters, got ${raw.length}`);
  }
  return raw;
}

function parseMasterKey(raw: string): string {
  const problem = masterKeyProblem(raw);
  if (problem) throw new ConfigError(`TESSERA_MASTER_KEY ${problem}`);
  return raw;
}

/**
 * Reads and checks every variable; the first invalid one throws. Only reads the file system
 * (to check TESSERA_DATA_DIR and a SQLite path, to read the plan catalogue): nothing is created here. An empty value is
 * the same as an unset one.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const value = (name: string) => env[name] || undefined;
  const port = value('PORT') === undefined ? 9011 : integer('PORT', value('PORT')!, 0, 65535);
  const host = parseHost(value('HOST') ?? '0.0.0.0');
  const publicUrl = parsePublicUrl(value('PUBLIC_URL') ?? `http://localhost:${port}`);
  const dataDir = parseDataDir(value('TESSERA_DATA_DIR') ?? './data');
  const databaseUrl = parseDatabaseUrl(value('DATABASE_URL') ?? `sqlite:${path.join(dataDir, 'tessera.db')}`);
  const bootstrapApiKey = value('TESSERA_API_KEY') === undefined ? undefined : parseApiKey(value('TESSERA_API_KEY')!);
  const masterKey = value('TESSERA_MASTER_KEY') === undefined ? undefined : parseMasterKey(value('TESSERA_MASTER_KEY')!);
  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${quoted(logLevel)}`);
  const defaultPlan = parseDefaultPlan(value('TESSERA_DEFAULT_PLAN') ?? 'on-premise');
  const plans = loadPlanCatalogue(value('TESSERA_PLANS'));
  const trustProxy = parseTrustProxy(value('TRUST_PROXY') ?? '');
  const region = parseRegion(value('TESSERA_REGION') ?? DEFAULT_REGION);
  const maxProviders = value('OIDC_PROVIDER_POOL') === undefined ? 1000 : integer('OIDC_PROVIDER_POOL', value('OIDC_PROVIDER_POOL')!, 1, 1_000_000);
  const geoipDb = value('GEOIP_DB') === undefined ? undefined : parseGeoipDb(value('GEOIP_DB')!);
  // Read by libuv, not by us; checked so a typo is not silently a pool of one thread.
  if (value('UV_THREADPOOL_SIZE') !== undefined) integer('UV_THREADPOOL_SIZE', value('UV_THREADPOOL_SIZE')!, 1, MAX_THREADPOOL_SIZE);
  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    bootstrapApiKey,
    masterKey,
    dataDir,
    masterKeyFile: path.join(dataDir, 'master.key'),
    logLevel,
    plans,
    defaultPlan,
    bodyLimit: 1024 * 1024,
    maxProviders,
    trustProxy,
    geoipDb,
    region,
  };
}
