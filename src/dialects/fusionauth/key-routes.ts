/**
 * FusionAuth Key API: generate (RS*, ES*, Ed25519/EdDSA, HS*), retrieve one/all, delete.
 * Responses never carry private material: no privateKey, no secret.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { KEY_ALGORITHMS, normaliseAlgorithm } from '../../core/keys/algorithms.js';
import type { KeyService, SigningKey } from '../../core/keys/key-service.js';
import { principal } from './auth.js';
import { sendFaError } from './errors.js';
import { isUuid, objectBody } from './request.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';


const KeyRequestSchema = nullMeansAbsent(Type.Object(
  {
    key: Type.Object({
      algorithm: Type.Enum([...KEY_ALGORITHMS, 'EdDSA']),
      name: Type.String({ minLength: 1, maxLength: 191 }),
      length: Type.Optional(Type.Integer({ minimum: 1, maximum: 16384 })),
      issuer: Type.Optional(Type.String({ maxLength: 2048 })),
      id: Type.Optional(Type.String({ format: 'uuid' })),
    }),
  },
  { $id: 'FusionAuthKeyRequest' },
));

function toFaKey(key: SigningKey): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: key.id,
    algorithm: key.algorithm,
    type: key.type,
    kid: key.kid,
    name: key.name,
    length: key.length ?? undefined,
    issuer: key.issuer ?? undefined,
    publicKey: key.publicKey ?? undefined,
    certificate: key.certificate ?? undefined,
    hasPrivateKey: key.hasPrivateKey,
    insertInstant: key.insertInstant,
    lastUpdateInstant: key.insertInstant,
    expirationInstant: key.expirationInstant ?? undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function fail(reply: FastifyReply, error: unknown): void {
  if (!sendFaError(reply, error, (f) => (f === 'keyId' || f.startsWith('key.') ? f : `key.${f}`))) throw error;
}

/** The Key API manages global objects: a tenant-locked key may not use it. */
function assertGlobal(request: FastifyRequest): void {
  if (principal(request).locked) throw new NotPermitted();
}

export function registerKeyRoutes(app: FastifyInstance, deps: { keys: KeyService }): void {
  const generate = async (request: FastifyRequest<{ Params: { keyId?: string } }>, reply: FastifyReply) => {
    try {
      assertGlobal(request);
      const { key } = objectBody<{ key: { algorithm: string; name: string; length?: number; issuer?: string; id?: string } }>(request);
      const id = request.params.keyId ?? key.id;
      if (id !== undefined && !isUuid(id)) throw new ValidationFailed([problem('keyId', 'invalid', 'The key id must be a UUID.')]);
      const generated = await deps.keys.generate({
        ...(id ? { id: id.toLowerCase() } : {}),
        name: key.name,
        algorithm: normaliseAlgorithm(key.algorithm)!,
        ...(key.length !== undefined ? { length: key.length } : {}),
        issuer: key.issuer ?? null,
      });
      return reply.send({ key: toFaKey(generated) });
    } catch (error) {
      return fail(reply, error);
    }
  };
  const opts = { schema: { body: KeyRequestSchema }, attachValidation: true };
  app.post('/api/key/generate', opts, generate);
  app.post('/api/key/generate/:keyId', opts, generate);

  app.get('/api/key', async (request, reply) => {
    try {
      assertGlobal(request);
      return reply.send({ keys: (await deps.keys.list()).map(toFaKey) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get<{ Params: { keyId: string } }>('/api/key/:keyId', async (request, reply) => {
    if (!isUuid(request.params.keyId)) return reply.code(404).send();
    try {
      assertGlobal(request);
      return reply.send({ key: toFaKey(await deps.keys.get(request.params.keyId.toLowerCase())) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete<{ Params: { keyId: string } }>('/api/key/:keyId', async (request, reply) => {
    if (!isUuid(request.params.keyId)) return reply.code(404).send();
    try {
      assertGlobal(request);
      await deps.keys.delete(request.params.keyId.toLowerCase());
      return reply.code(200).send();
    } catch (error) {
      return fail(reply, error);
    }
  });
}
