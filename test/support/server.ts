/**
 * A real Tessera on loopback for a test: real database (SQLite or PostgreSQL), real HTTP,
 * the same `startServer` that `npm start` runs. `restart()` stops and starts it on the same
 * database, for persistence checks.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { FusionAuthClient } from '@fusionauth/typescript-client';
import { loadConfig, type Config } from '../../src/config/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { Backend, TestDatabase } from './backends.js';

/** The server's clock in tests: real time plus an offset the test can advance. */
export class TestClock {
  private offset = 0;
  readonly now = () => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface TestServer {
  url: string;
  clock: TestClock;
  apiKey: string;
  server: RunningServer;
  database: TestDatabase;
  /** A FusionAuth client holding the superuser key. */
  client(apiKey?: string): FusionAuthClient;
  /** Raw fetch against the server with the superuser key unless headers say otherwise. */
  fetch(path: string, init?: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string }>;
  restart(): Promise<void>;
  /** A second Tessera process's twin: same database and master key, its own clock and port. */
  startPeer(options?: { cacheTtlMs?: number }): Promise<{ server: RunningServer; clock: TestClock; fetch: TestServer['fetch'] }>;
  stop(): Promise<void>;
}

type Fetch = TestServer['fetch'];

function fetcher(baseUrl: () => string, apiKey: string): Fetch {
  return async (path, init = {}) => {
    const headers: Record<string, string> = { authorization: apiKey, ...(init.headers ?? {}) };
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(baseUrl() + path, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };
}

export async function startTestServer(backend: Backend, overrides: Partial<Config> = {}): Promise<TestServer> {
  const database = await backend.create();
  const apiKey = `test-superuser-${crypto.randomBytes(12).toString('hex')}`;
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://tessera.test',
    databaseUrl: database.url,
    bootstrapApiKey: apiKey,
    masterKey: crypto.randomBytes(32).toString('base64'),
    logLevel: 'silent',
    ...overrides,
  };
  const clock = new TestClock();
  let server = await startServer(config, { logger: false, now: clock.now });
  const peers: RunningServer[] = [];
  const handle: TestServer = {
    get url() {
      return server.url;
    },
    apiKey,
    clock,
    get server() {
      return server;
    },
    database,
    client(key = apiKey) {
      return new FusionAuthClient(key, server.url);
    },
    fetch: fetcher(() => server.url, apiKey),
    async restart() {
      const port = Number(new URL(server.url).port);
      await server.stop();
      server = await startServer({ ...config, port }, { logger: false, now: clock.now });
      // Keep-alive sockets to the old process are dead; a client would reconnect, so do we.
      http.globalAgent.destroy();
    },
    async startPeer(options = {}) {
      const peerClock = new TestClock();
      const peer = await startServer({ ...config, port: 0 }, { logger: false, now: peerClock.now, ...options });
      peers.push(peer);
      return { server: peer, clock: peerClock, fetch: fetcher(() => peer.url, apiKey) };
    },
    async stop() {
      for (const peer of peers) await peer.stop();
      await server.stop();
      await database.drop();
    },
  };
  return handle;
}
