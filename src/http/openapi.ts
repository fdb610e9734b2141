/**
 * The OpenAPI 3.1 document (GET /api/openapi.json) and the browsable reference (GET /api/docs).
 * 3.1, because its schemas are JSON Schema 2020-12: the TypeBox schemas that validate requests
 * (numeric `exclusiveMinimum`, `type: "null"`) are shown exactly as they validate. Every route
 * declares its summary, tag and responses (src/http/operation.ts).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const TAGS = [
  { name: 'System', description: 'Status, this document and its reference page (no API key)' },
  { name: 'Tenant', description: 'FusionAuth Tenant API' },
  { name: 'Key', description: 'FusionAuth Key API: signing keys' },
  { name: 'API Key', description: 'FusionAuth API Key API' },
  { name: 'Login', description: 'FusionAuth Login API' },
  { name: 'User account', description: 'FusionAuth forgotten passwords, password changes and email verification' },
  { name: 'Email Template', description: 'FusionAuth Email Template API' },
  { name: 'PlusAuth: Subscription', description: "A tenant's subscription plan and what it allows (superuser key only); errors in PlusAuth's shape" },
  { name: 'Vault: Users', description: 'Vault (snake_case) user API under /tenants/{tenant_id}' },
  { name: 'Vault: Blocked lists', description: 'Vault blocked IP addresses and users' },
  { name: 'Vault: OIDC', description: 'The doors to a tenant\'s OpenID Provider: token exchange and logout (the provider itself is described by each issuer\'s discovery document)' },
  { name: 'Vault: Clients', description: "A tenant's OAuth clients: /clients with an API key, /client (the public part) without" },
  { name: 'Vault: Signing keys', description: "A tenant's keystore: public JWKS, rotation and revocation" },
  { name: 'Vault: Sessions', description: "Users' sign-in sessions: /tenants/{tenant_id}/users/{user_id}/sessions with an API key, /sessions with the user's own access token" },
  { name: 'Vault: Branding', description: "Tessera extension: a tenant's hosted pages — logo and colours" },
  { name: 'Vault: Tenants', description: 'Vault tenants: create, list, read and replace (login methods and block_config)' },
  { name: 'PlusAuth: Tenants', description: "PlusAuth tenant settings (/tenants/{tenant_id}/settings) and an account's tenants (/users/{user_id}/tenants); errors in PlusAuth's shape" },
];

export const DOCS_PATH = '/api/docs';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera',
        version,
        description: 'Multi-tenant identity provider: the FusionAuth-compatible API under /api, the Vault (snake_case) API under /tenants, /clients and /client, and the PlusAuth tenant API under /tenants/{tenant_id}/settings and /users.',
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The API key as the raw header value (as FusionAuth clients send it) or `Bearer <key>`' },
          xApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          userAccessToken: { type: 'http', scheme: 'bearer', description: "A user's access token from the tenant's OpenID Provider (the opaque one the code flow issues): `/sessions` only" },
        },
      },
      security: [{ apiKey: [] }, { xApiKey: [] }],
    },
    // Shared schemas are named by their $id (FusionAuthTenant), not numbered.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `schema-${i}`) },
    // The reference page is @fastify/swagger-ui's (hidden) route: shown here as an operation.
    transform: ({ schema, url }) => {
      if (url !== DOCS_PATH && url !== `${DOCS_PATH}/`) return { schema, url };
      return {
        url: DOCS_PATH,
        schema: {
          summary: 'This API reference, to browse (HTML)',
          tags: ['System'],
          security: [],
          produces: ['text/html'],
          response: { 200: { type: 'string', description: 'The reference page' } },
        } as typeof schema,
      };
    },
  });
}

/** Registers the reference page in `scope` (whose prefix is /api): assets come from the package. */
export async function registerApiDocs(scope: FastifyInstance): Promise<void> {
  await scope.register(swaggerUi, {
    routePrefix: DOCS_PATH.slice('/api'.length),
    indexPrefix: '/api',
    uiConfig: { deepLinking: true },
    theme: { title: 'Tessera API reference' },
  });
}
