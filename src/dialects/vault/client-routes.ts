/**
 * Vault client API (seed 004). With an API key, under /clients: list (`?tenant_id&skip&limit`),
 * create (200, as the seed lists it; the secret is in this answer only), replace (200 with a
 * null body, as the seed lists it; the tenant is the body's `tenant_id`) and delete (204, as
 * the Vault user delete). Without any credential, under /client: Get Client and Get Client
 * Tenant, the public subsets a login page shows. The tenant is named by slug or UUID; a key
 * locked to another tenant gets 403.
 */
import type { FastifyInstance } from 'fastify';
import type { ClientService } from '../../core/clients/client-service.js';
import { ValidationFailed, problem } from '../../core/errors.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { emptyResponse } from '../../http/operation.js';
import { clientErrorFields, toClientInput, toPublicClient, toPublicTenant, toVaultClient } from './client-mapping.js';
import {
  type VaultClientInput,
  type VaultClientListQuery,
  VaultClientInputSchema,
  VaultClientList,
  VaultClientListQuery as ListQuery,
  VaultClientParams,
  VaultClientQuery,
  VaultCreatedClient,
  VaultPublicClient,
  VaultPublicClientTenant,
  VaultTenantQuery,
} from './client-schema.js';
import { apiKeyOf, resolveVaultTenant } from './context.js';
import { vaultOperation } from './responses.js';

const TAG = 'Vault: Clients';

interface Deps {
  clients: ClientService;
  tenants: TenantService;
}

/** Paths are under the /clients scope, whose hook has authenticated the API key. */
export function registerVaultClientRoutes(app: FastifyInstance, deps: Deps): void {
  const { clients } = deps;
  const config = { errorFields: clientErrorFields };
  const tenantFor = (request: Parameters<typeof apiKeyOf>[0], ref: string) => resolveVaultTenant(deps, ref, apiKeyOf(request));

  const listOp = { summary: "List a tenant's clients, oldest first (skip, limit)", tag: TAG, querystring: ListQuery, responses: { 200: VaultClientList }, errors: [422] };
  app.get<{ Querystring: VaultClientListQuery }>('', { config, schema: vaultOperation(listOp) }, async (request, reply) => {
    const tenant = await tenantFor(request, request.query.tenant_id);
    const page = await clients.list(tenant, { offset: request.query.skip ?? 0, limit: request.query.limit ?? 100 });
    return reply.send({ clients: page.map((c) => toVaultClient(c, tenant)) });
  });

  const createOp = {
    summary: 'Create a client; a confidential one gets a generated secret unless one is given, shown only in this answer',
    tag: TAG,
    body: VaultClientInputSchema,
    responses: { 200: VaultCreatedClient },
    errors: [422],
  };
  app.post('', { config, schema: vaultOperation(createOp) }, async (request, reply) => {
    const body = request.body as VaultClientInput;
    const tenant = await tenantFor(request, body.tenant_id);
    const created = await clients.create(tenant, toClientInput(body));
    return reply.send(toVaultClient(created, tenant, created.secret));
  });

  const replaceOp = {
    summary: 'Replace a client (left out: the default again; the secret stays unless one is given)',
    tag: TAG,
    params: VaultClientParams,
    body: VaultClientInputSchema,
    responses: { 200: emptyResponse('Replaced (the body is JSON null)') },
    errors: [422],
  };
  app.put<{ Params: { client_id: string } }>('/:client_id', { config, schema: vaultOperation(replaceOp) }, async (request, reply) => {
    const body = request.body as VaultClientInput;
    if (body.client_id !== request.params.client_id) throw new ValidationFailed([problem('client_id', 'invalid', 'The client_id in the body must match the path.')]);
    const tenant = await tenantFor(request, body.tenant_id);
    await clients.replace(tenant, request.params.client_id, toClientInput(body));
    return reply.send(null);
  });

  const deleteOp = { summary: 'Delete a client', tag: TAG, params: VaultClientParams, querystring: VaultTenantQuery, responses: { 204: emptyResponse('Deleted') }, errors: [422] };
  app.delete<{ Params: { client_id: string }; Querystring: { tenant_id: string } }>('/:client_id', { config, schema: vaultOperation(deleteOp) }, async (request, reply) => {
    await clients.delete(await tenantFor(request, request.query.tenant_id), request.params.client_id);
    return reply.code(204).send();
  });
}

/** Paths are under the /client scope: no credential, only the public subsets. */
export function registerVaultPublicClientRoutes(app: FastifyInstance, deps: Deps): void {
  const { clients } = deps;
  type Query = { Querystring: { client_id: string; tenant_id: string } };

  const getOp = { summary: 'Get Client: the public part of a client (no API key)', tag: TAG, querystring: VaultClientQuery, responses: { 200: VaultPublicClient }, errors: [422], anonymous: true };
  app.get<Query>('', { schema: vaultOperation(getOp) }, async (request, reply) => {
    const tenant = await resolveVaultTenant(deps, request.query.tenant_id, undefined);
    return reply.send(toPublicClient(await clients.get(tenant, request.query.client_id), tenant));
  });

  const tenantOp = {
    summary: "Get Client Tenant: the public part of a client and its tenant's login settings (no API key)",
    tag: TAG,
    querystring: VaultClientQuery,
    responses: { 200: VaultPublicClientTenant },
    errors: [422],
    anonymous: true,
  };
  app.get<Query>('/tenant', { schema: vaultOperation(tenantOp) }, async (request, reply) => {
    const tenant = await resolveVaultTenant(deps, request.query.tenant_id, undefined);
    const client = await clients.get(tenant, request.query.client_id);
    return reply.send({ client: toPublicClient(client, tenant), tenant: toPublicTenant(tenant) });
  });
}
