/**
 * The engine endpoints that machines call many times a second — token, introspection,
 * revocation, JWKS, userinfo, discovery — handed from Node's HTTP server straight to the
 * tenant's provider, ahead of Fastify's router. Fastify would only route them to the issuer
 * catch-all (mount.ts), which hijacks the reply and does nothing else with it; skipping its
 * request and reply objects saves a tenth of a client-credentials token's CPU (BENCHMARKS.md).
 *
 * Everything else, and every request the lane cannot serve as the catch-all would (no such
 * tenant, a reserved or malformed slug, the server closing), goes to Fastify unchanged, so its
 * answers (404s in each dialect's shape, 503 while closing) stay where they are made.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import type { Logger } from 'pino';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { isReservedPathSegment } from '../core/tenants/reserved-slugs.js';
import { SLUG_PATTERN } from '../core/tenants/slug.js';
import { deliver, issuerProvider } from './mount.js';
import type { ProviderPool } from './tenant-pool.js';

/** The engine paths (below the issuer) the lane serves; no Fastify route but the catch-all may match them. */
export const LANE_PATHS: ReadonlySet<string> = new Set(['/token', '/token/introspection', '/token/revocation', '/jwks', '/me', '/.well-known/openid-configuration']);

export interface IssuerLaneDeps {
  tenants: TenantService;
  oidc: ProviderPool;
  /** TRUST_PROXY, as Fastify is given it: the proxies whose X-Forwarded-For is believed. */
  trustProxy: string[];
  logger: Logger | false;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface IssuerLane {
  /** Serves `req` when it is a lane request of an active tenant, else hands it to `fastify`. */
  route(req: IncomingMessage, res: ServerResponse, fastify: RequestHandler): void;
  /** From now on every request goes to Fastify (it answers 503 while closing). */
  close(): void;
}

/** The slug and the engine path of `/{slug}{path}[?query]`, when the path is a lane path. */
export function lanePath(url: string): { slug: string; path: string } | undefined {
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  const slash = pathname.indexOf('/', 1);
  if (pathname[0] !== '/' || slash < 0) return undefined;
  const path = pathname.slice(slash);
  if (!LANE_PATHS.has(path)) return undefined;
  const slug = pathname.slice(1, slash);
  // (issuerProvider refuses these too; checked here so that lanePath alone says what the lane takes.)
  return SLUG_PATTERN.test(slug) && !isReservedPathSegment(slug) ? { slug, path } : undefined;
}

export function issuerLane(deps: IssuerLaneDeps): IssuerLane {
  let closing = false;
  const trust = deps.trustProxy.length ? proxyAddr.compile(deps.trustProxy) : undefined;
  const clientAddress = (req: IncomingMessage) => (trust ? proxyAddr(req, trust) : (req.socket.remoteAddress ?? ''));
  const logger = deps.logger;

  const serve = async (req: IncomingMessage, res: ServerResponse, target: { slug: string; path: string }, fastify: RequestHandler) => {
    const found = await issuerProvider(deps, target.slug);
    if (!found) return fastify(req, res);
    if (logger && logger.isLevelEnabled('info')) {
      const started = process.hrtime.bigint();
      const { method, url } = req;
      res.once('finish', () => logger.info({ req: { method, url }, res: { statusCode: res.statusCode }, responseTime: Number(process.hrtime.bigint() - started) / 1e6 }, 'request completed'));
    }
    deliver(found.pooled.handle, found.tenant, req, res, target.path, clientAddress(req));
  };

  return {
    route(req, res, fastify) {
      const target = closing || req.url === undefined ? undefined : lanePath(req.url);
      if (!target) return fastify(req, res);
      // A failure before the hand-over (the database, a provider build) is Fastify's to answer:
      // it meets the same failure and renders it as the catch-all does.
      serve(req, res, target, fastify).catch(() => {
        if (!res.headersSent) fastify(req, res);
      });
    },
    close() {
      closing = true;
    },
  };
}

/**
 * A Fastify route at `/:slug{lane path}` would never be reached (the lane serves those paths
 * first): refuse one while the app is built. Install before any route is registered.
 */
export function refuseLaneShadowing(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const below = /^\/:[^/]+(\/.*)$/.exec(route.url)?.[1];
    if (below !== undefined && LANE_PATHS.has(below)) throw new Error(`Route ${route.url}: the issuer lane (src/oidc/issuer-lane.ts) serves ${below} of every tenant before Fastify routes it`);
  });
}
