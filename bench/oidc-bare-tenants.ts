/**
 * The engine's own floor for many tenants: BENCH_OIDC_TENANTS bare oidc-provider 9 instances —
 * one per tenant, as the engine's documentation has multi-tenancy, and as Tessera's pool holds
 * them — on one HTTP server that hands `/t{i}/…` to instance i, each configured as
 * ./oidc-bare.ts configures the side-by-side baseline (a static client, the in-memory adapter)
 * with a JWKS shaped as a bench tenant's (an ES256 current and next key of its own, one RS256 key
 * they all share). Measured by the same load as Tessera's tenants (./one-vs-many.ts), in a
 * process of its own: `node dist/bench/oidc-bare-tenants.js <spec.json>` (a `BareTenantsSpec`)
 * prints a `OneVsMany` as JSON on stdout.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';
import type { JWK } from 'jose';
import { defaultTenantSettings } from '../src/core/tenants/settings.js';
import { bareConfiguration } from './oidc-bare.js';
import { log } from './harness.js';
import { type Target, measureOneVsMany } from './one-vs-many.js';

export interface BareTenantsSpec {
  tenants: number;
  seconds: number;
  rounds: number;
  connections: number;
}

const privateJwk = (type: 'ec' | 'rsa', alg: string, kid: string): JWK => {
  const { privateKey } = type === 'ec' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }) : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), alg, use: 'sig', kid };
};

/** The engine warns once per instance (no adapter given: the in-memory one); once is enough. */
function warnOnce(): void {
  const seen = new Set<string>();
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (seen.has(line)) return;
    seen.add(line);
    warn(...args);
  };
}

async function main(): Promise<void> {
  warnOnce();
  const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as BareTenantsSpec;
  const handlers: Array<(req: http.IncomingMessage, res: http.ServerResponse) => void> = [];
  const server = http.createServer((req, res) => {
    const match = /^\/t(\d+)(\/.*)$/.exec(req.url ?? '');
    const handle = match && handlers[Number(match[1])];
    if (!handle) {
      res.writeHead(404).end();
      return;
    }
    (req as { originalUrl?: string }).originalUrl = req.url;
    req.url = match[2];
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const tokens = defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }).tokens;
    const shared = privateJwk('rsa', 'RS256', 'shared-rs256');
    const targets: Target[] = [];
    log(`oidc bare tenants: building ${spec.tenants} bare providers`);
    for (let i = 0; i < spec.tenants; i++) {
      const issuer = `${baseUrl}/t${i}`;
      const client = { clientId: 'svc', secret: crypto.randomBytes(24).toString('base64url'), redirectUri: 'https://rp.example/callback', scopes: ['openid', 'api:read'] };
      const jwks = { keys: [privateJwk('ec', 'ES256', `t${i}-current`), privateJwk('ec', 'ES256', `t${i}-next`), shared] };
      const provider = new Provider(issuer, bareConfiguration(issuer, { jwks, accessTokenAlg: 'ES256', tokens, client, account: { accountId: 'nobody', claims: {} } }));
      handlers.push(provider.callback());
      targets.push({ path: `/t${i}/token`, headers: { authorization: `Basic ${Buffer.from(`svc:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' } });
    }
    const measured = await measureOneVsMany({ baseUrl, targets, label: 'bare engine', seconds: spec.seconds, rounds: spec.rounds, connections: spec.connections });
    process.stdout.write(JSON.stringify(measured));
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
