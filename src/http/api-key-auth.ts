import type { FastifyRequest } from 'fastify';

/**
 * The API key a request presents: `Authorization: Bearer <key>`, the raw `Authorization`
 * header (as FusionAuth's clients send it), or `X-API-Key`.
 */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length) return header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length ? apiKey.trim() : undefined;
}
