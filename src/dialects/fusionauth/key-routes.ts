/**
 * FusionAuth Key API: generate (RS*, ES*, Ed25519/EdDSA, HS*), retrieve one/all, delete.
 * Responses never carry private material: no privateKey, no secret.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NotFound, NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { KEY_ALGORITHMS, normaliseAlgorithm } from '../../core/keys/algorithms.js';
import type { KeyService, SigningKey } from '../../core/keys/key-service.js';
import { principal } from './auth.js';
import { isUuid } from './request.js';
import { Done, FaKeyResponse, FaKeysResponse, faOperation } from './responses.js';
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

const errorFields = (f: string) => (f === 'keyId' || f.startsWith('key.') ? f : `key.${f}`);

/** The Key API manages global objects: a tenant-locked key may not use it. */
function assertGlobal(request: FastifyRequest): void {
  if (principal(request).locked) throw new NotPermitted();
}

const TAG = 'Key';
const KeyIdParams = Type.Object({ keyId: Type.String({ description: 'The key id (a UUID)' }) });

/** Paths are under the FusionAuth scope's prefix, /api. */
export function registerKeyRoutes(app: FastifyInstance, deps: { keys: KeyService }): void {
  const config = { errorFields };
  const generate = async (request: FastifyRequest<{ Params: { keyId?: string } }>, reply: FastifyReply) => {
    assertGlobal(request);
    const { key } = request.body as { key: { algorithm: string; name: string; length?: number; issuer?: string; id?: string } };
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
  };
  const generateOp = { tag: TAG, body: KeyRequestSchema, responses: { 200: FaKeyResponse }, errors: [400, 401] };
  app.post('/key/generate', { config, schema: faOperation({ ...generateOp, summary: 'Generate a key with a random id' }) }, generate);
  app.post('/key/generate/:keyId', { config, schema: faOperation({ ...generateOp, summary: 'Generate a key with the given id', params: KeyIdParams }) }, generate);

  app.get('/key', { config, schema: faOperation({ summary: 'Retrieve all keys', tag: TAG, responses: { 200: FaKeysResponse }, errors: [401] }) }, async (request, reply) => {
    assertGlobal(request);
    return reply.send({ keys: (await deps.keys.list()).map(toFaKey) });
  });

  app.get<{ Params: { keyId: string } }>(
    '/key/:keyId',
    { config, schema: faOperation({ summary: 'Retrieve a key', tag: TAG, params: KeyIdParams, responses: { 200: FaKeyResponse }, errors: [401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.keyId)) throw new NotFound('key');
      assertGlobal(request);
      return reply.send({ key: toFaKey(await deps.keys.get(request.params.keyId.toLowerCase())) });
    },
  );

  app.delete<{ Params: { keyId: string } }>(
    '/key/:keyId',
    { config, schema: faOperation({ summary: 'Delete a key (400 while a tenant signs with it)', tag: TAG, params: KeyIdParams, responses: { 200: Done }, errors: [400, 401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.keyId)) throw new NotFound('key');
      assertGlobal(request);
      await deps.keys.delete(request.params.keyId.toLowerCase());
      return reply.code(200).send();
    },
  );
}
