/**
 * FusionAuth API Key API. Only a key-manager key (the first-start key is one) may use it. The
 * key's value is returned once, in the create response; afterwards only its record is shown.
 * Beyond FusionAuth: `ownerId`, the account the key acts for (core/access/accounts.ts) — the
 * creating key's account unless a superuser key names another; it never changes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type ApiKey, type ApiKeyService, type CreatedApiKey } from '../../core/apikeys/api-key-service.js';
import { NotFound, NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { ACCOUNT_ID_PATTERN } from '../../core/access/accounts.js';
import { apiKeyPrincipal, assertAccountAccess } from '../../core/access/tenant-access.js';
import { principal } from './auth.js';
import { isUuid } from './request.js';
import { Done, FaApiKeyResponse, FaApiKeysResponse, faOperation } from './responses.js';
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
        ownerId: Type.Optional(Type.String({ pattern: ACCOUNT_ID_PATTERN.source, description: 'Tessera: the account the key acts for (default: the creating key’s); fixed once created' })),
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
    ownerId?: string;
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
    ownerId: key.ownerId,
    permissions: key.permissions,
    metaData: key.metaData,
    retrievable: false,
    insertInstant: key.insertInstant,
    lastUpdateInstant: key.lastUpdateInstant,
  };
}

const errorFields = (f: string) => (f.startsWith('apiKey.') ? f : `apiKey.${f}`);

function assertKeyManager(request: FastifyRequest): void {
  const p = principal(request);
  if (!p.apiKey.keyManager || p.locked) throw new NotPermitted();
}

function readBody(request: FastifyRequest): NonNullable<ApiKeyBody['apiKey']> {
  return (request.body as ApiKeyBody).apiKey ?? {};
}

function normalise(input: NonNullable<ApiKeyBody['apiKey']>) {
  return {
    ...(input.tenantId ? { tenantId: input.tenantId.toLowerCase() } : { tenantId: null }),
    permissions: { endpoints: input.permissions?.endpoints ?? {} },
    metaData: { attributes: input.metaData?.attributes ?? {} },
    keyManager: input.keyManager ?? false,
  };
}

const TAG = 'API Key';
const ApiKeyIdParams = Type.Object({ apiKeyId: Type.String({ description: 'The API key id (a UUID)' }) });

/** Paths are under the FusionAuth scope's prefix, /api. Only key managers may use them. */
export function registerApiKeyRoutes(app: FastifyInstance, deps: { apiKeys: ApiKeyService }): void {
  const config = { errorFields };
  const create = async (request: FastifyRequest<{ Params: { apiKeyId?: string } }>, reply: FastifyReply) => {
    assertKeyManager(request);
    const input = readBody(request);
    const id = request.params.apiKeyId ?? input.id;
    if (id !== undefined && !isUuid(id)) throw new ValidationFailed([problem('id', 'invalid', 'The API key id must be a UUID.')]);
    const caller = principal(request).apiKey;
    const ownerId = input.ownerId ?? caller.ownerId;
    // Only a superuser key may make a key for another account.
    assertAccountAccess(apiKeyPrincipal(caller), 'create', ownerId);
    const created = await deps.apiKeys.create({ ...(id ? { id: id.toLowerCase() } : {}), ...(input.key ? { key: input.key } : {}), ...normalise(input), ownerId });
    return reply.send({ apiKey: toFaApiKey(created) });
  };
  const createOp = { tag: TAG, body: ApiKeyRequestSchema, responses: { 200: FaApiKeyResponse }, errors: [400, 401] };
  app.post('/api-key', { config, schema: faOperation({ ...createOp, summary: 'Create an API key with a random id (its value is shown only here)' }) }, create);
  app.post('/api-key/:apiKeyId', { config, schema: faOperation({ ...createOp, summary: 'Create an API key with the given id', params: ApiKeyIdParams }) }, create);

  app.get('/api-key', { config, schema: faOperation({ summary: 'Retrieve all API keys', tag: TAG, responses: { 200: FaApiKeysResponse }, errors: [401] }) }, async (request, reply) => {
    assertKeyManager(request);
    return reply.send({ apiKeys: (await deps.apiKeys.list()).map(toFaApiKey) });
  });

  app.get<{ Params: { apiKeyId: string } }>(
    '/api-key/:apiKeyId',
    { config, schema: faOperation({ summary: 'Retrieve an API key', tag: TAG, params: ApiKeyIdParams, responses: { 200: FaApiKeyResponse }, errors: [401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.apiKeyId)) throw new NotFound('API key');
      assertKeyManager(request);
      return reply.send({ apiKey: toFaApiKey(await deps.apiKeys.get(request.params.apiKeyId.toLowerCase())) });
    },
  );

  app.put<{ Params: { apiKeyId: string } }>(
    '/api-key/:apiKeyId',
    { config, schema: faOperation({ summary: "Update an API key's permissions, tenant lock and metadata", tag: TAG, params: ApiKeyIdParams, body: ApiKeyRequestSchema, responses: { 200: FaApiKeyResponse }, errors: [400, 401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.apiKeyId)) throw new NotFound('API key');
      assertKeyManager(request);
      const input = readBody(request);
      const updated = await deps.apiKeys.update(request.params.apiKeyId.toLowerCase(), { ...normalise(input), ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}) });
      return reply.send({ apiKey: toFaApiKey(updated) });
    },
  );

  app.delete<{ Params: { apiKeyId: string } }>(
    '/api-key/:apiKeyId',
    { config, schema: faOperation({ summary: 'Delete an API key', tag: TAG, params: ApiKeyIdParams, responses: { 200: Done }, errors: [400, 401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.apiKeyId)) throw new NotFound('API key');
      assertKeyManager(request);
      await deps.apiKeys.delete(request.params.apiKeyId.toLowerCase(), principal(request).apiKey.id);
      return reply.code(200).send();
    },
  );
}
