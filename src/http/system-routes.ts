/** GET /api/status and GET /api/openapi.json: no API key. Paths are under the /api prefix. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

export function registerSystemRoutes(scope: FastifyInstance, deps: { ready: () => Promise<boolean> }, document: () => unknown): void {
  const Status = (status: 'ok' | 'unavailable', description: string) => Type.Object({ status: Type.Literal(status) }, { description });
  scope.get(
    '/status',
    {
      schema: {
        summary: 'Whether the database answers',
        tags: ['System'],
        security: [],
        response: { 200: Status('ok', 'The database answers'), 503: Status('unavailable', 'The database does not answer') },
      },
    },
    async (_request, reply) => {
      const ok = await deps.ready();
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
    },
  );
  scope.get(
    '/openapi.json',
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['System'], security: [], response: { 200: Type.Object({}, { additionalProperties: true, description: 'The document' }) } } },
    async () => document(),
  );
}
