/**
 * The client address Fastify determined for a request (TRUST_PROXY decides whether
 * X-Forwarded-For is believed), handed to the engine with the raw request: the engine's own
 * notion (Koa's, with `proxy` on) would believe every X-Forwarded-For entry.
 */
import type { IncomingMessage } from 'node:http';

const addresses = new WeakMap<IncomingMessage, string>();

export function rememberClientAddress(raw: IncomingMessage, address: string): void {
  addresses.set(raw, address);
}

export function clientAddressOf(raw: IncomingMessage): string | null {
  return addresses.get(raw) ?? raw.socket?.remoteAddress ?? null;
}
