/**
 * FusionAuth API Key API. Only a key-manager key (the first-start key is one) may use it. The
 * key's value is returned once, in the create response; afterwards only its record is shown.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type ApiKey, type ApiKeyService, type CreatedApiKey } from '../../core/apikeys/api-key-service.js';
import { NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { principal } from './auth.js';
import { sendFaError } from './errors.js';
import { isUuid, objectBody } from './request.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const ApiKeyRequestSchema = nullMeansAbsent(Type.Object(
  {
    apiKey: Type.Optional(
      Type.Object({
        id: Type.Optional(Type.String({ format: 'uuid' })),
        key: Type.Optional(Type.String({ maxLength: 512 })),
        tenantId: Type.Optional(Type.String({ format: 'uuid' })),
        keyManager: Type.Optional(Type.Boolean()),
        permissions: Type.Optional(
          Type.Object({ endpoints: Type.Optional(Type.Record(Type.String({ maxLength: 512 }), Type.Array(Type.Enum(HTTP_METHODS), { maxItems: 7 }))) }),
        ),
        metaData: Type.Optional(Type.Object({ attributes: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1024 }))) })),
      }),
    ),
  },
  { $id: 'FusionAuthApiKeyRequest' },
));

type ApiKeyBody = {
  apiKey?: {
    id?: string;
    key?: string;
    tenantId?: string;
    keyManager?: boolean;
    permissions?: { endpoints?: Record<string, string[]> };
    metaData?: { attributes?: Record<string, string> };
  };
};

function toFaApiKey(key: ApiKey | CreatedApiKey): Record<string, unknown> {
  return {
    id: key.id,
    ...('key' in key ? { key: key.key } : {}),
    ...(key.tenantId ? { tenantId: key.tenantId } : {}),
    keyManager: key.keyManager,
    permissions: key.permissions,
    metaData: key.metaData,
    retrievable: false,
    insertInstant: key.insertInstant,
    lastUpdateInstant: key.lastUpdateInstant,
  };
}

function fail(reply: FastifyReply, error: unknown): void {
  if (!sendFaError(reply, error, (f) => (f.startsWith('apiKey.') ? f : `apiKey.${f}`))) throw error;
}

function assertKeyManager(request: FastifyRequest): void {
  const p = principal(request);
  if (!p.apiKey.keyManager || p.locked) throw new NotPermitted();
}

function readBody(request: FastifyRequest): NonNullable<ApiKeyBody['apiKey']> {
  return objectBody<ApiKeyBody>(request).apiKey ?? {};
}

function normalise(input: NonNullable<ApiKeyBody['apiKey']>) {
  return {
    ...(input.tenantId ? { tenantId: input.tenantId.toLowerCase() } : { tenantId: null }),
    permissions: { endpoints: input.permissions?.endpoints ?? {} },
    metaData: { attributes: input.metaData?.attributes ?? {} },
    keyManager: input.keyManager ?? false,
  };
}

export function registerApiKeyRoutes(app: FastifyInstance, deps: { apiKeys: ApiKeyService }): void {
  const opts = { schema: { body: ApiKeyRequestSchema }, attachValidation: true };
  const create = async (request: FastifyRequest<{ Params: { apiKeyId?: string } }>, reply: FastifyReply) => {
    try {
      assertKeyManager(request);
      const input = readBody(request);
      const id = request.params.apiKeyId ?? input.id;
      if (id !== undefined && !isUuid(id)) throw new ValidationFailed([problem('id', 'invalid', 'The API key id must be a UUID.')]);
      const created = await deps.apiKeys.create({ ...(id ? { id: id.toLowerCase() } : {}), ...(input.key ? { key: input.key } : {}), ...normalise(input) });
      return reply.send({ apiKey: toFaApiKey(created) });
    } catch (error) {
      return fail(reply, error);
    }
  };
  app.post('/api/api-key', opts, create);
  app.post('/api/api-key/:apiKeyId', opts, create);

  app.get('/api/api-key', async (request, reply) => {
    try {
      assertKeyManager(request);
      return reply.send({ apiKeys: (await deps.apiKeys.list()).map(toFaApiKey) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get<{ Params: { apiKeyId: string } }>('/api/api-key/:apiKeyId', async (request, reply) => {
    if (!isUuid(request.params.apiKeyId)) return reply.code(404).send();
    try {
      assertKeyManager(request);
      return reply.send({ apiKey: toFaApiKey(await deps.apiKeys.get(request.params.apiKeyId.toLowerCase())) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.put<{ Params: { apiKeyId: string } }>('/api/api-key/:apiKeyId', opts, async (request, reply) => {
    if (!isUuid(request.params.apiKeyId)) return reply.code(404).send();
    try {
      assertKeyManager(request);
      const updated = await deps.apiKeys.update(request.params.apiKeyId.toLowerCase(), normalise(readBody(request)));
      return reply.send({ apiKey: toFaApiKey(updated) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete<{ Params: { apiKeyId: string } }>('/api/api-key/:apiKeyId', async (request, reply) => {
    if (!isUuid(request.params.apiKeyId)) return reply.code(404).send();
    try {
      assertKeyManager(request);
      await deps.apiKeys.delete(request.params.apiKeyId.toLowerCase(), principal(request).apiKey.id);
      return reply.code(200).send();
    } catch (error) {
      return fail(reply, error);
    }
  });
}
