/**
 * FusionAuth response bodies as TypeBox schemas, for the OpenAPI document, and `faOperation`,
 * which gives a FusionAuth route its summary, tag and responses (error bodies in FusionAuth's
 * shape). Objects allow more properties than they list: the documents describe, they do not
 * trim (responses are serialized with JSON.stringify, see src/http/app.ts).
 */
import { Type } from 'typebox';
import { type Operation, emptyResponse, operationSchema } from '../../http/operation.js';
import { FaTenantSchema } from './tenant-schema.js';

const Open = { additionalProperties: true } as const;

const FaErrorSchema = Type.Object({ code: Type.String(), message: Type.String() });
const errors = (description: string) =>
  Type.Object(
    {
      fieldErrors: Type.Optional(Type.Record(Type.String(), Type.Array(FaErrorSchema), { description: 'By field path, e.g. `tenant.name`; codes are `[kind]field`' })),
      generalErrors: Type.Optional(Type.Array(FaErrorSchema)),
    },
    { description },
  );

const ERROR_BODIES: Record<number, object> = {
  400: errors('The request was refused: field errors and/or general errors'),
  401: emptyResponse('No API key, a wrong one, or one whose permissions or tenant lock do not reach this call (empty body)'),
  404: emptyResponse('Not found (empty body)'),
  413: errors('The body is larger than the limit'),
  415: errors('The body is not application/json'),
  500: errors('The server failed'),
  503: errors('A service the call needs (the SMTP server) is unavailable'),
};

export function faOperation(op: Operation) {
  return operationSchema(op, (status) => ERROR_BODIES[status] ?? errors(`Error ${status}`));
}

export const FaTenantResponse = Type.Object({ tenant: FaTenantSchema }, { description: 'The tenant' });
export const FaTenantsResponse = Type.Object({ tenants: Type.Array(FaTenantSchema) }, { description: 'The tenants this key sees' });
export const FaPasswordRulesResponse = Type.Object(
  { passwordValidationRules: FaTenantSchema.properties.passwordValidationRules },
  { description: "The tenant's password rules, nothing else" },
);

const FaKey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    algorithm: Type.String(),
    type: Type.String(),
    kid: Type.String(),
    name: Type.String(),
    length: Type.Optional(Type.Integer()),
    issuer: Type.Optional(Type.String()),
    publicKey: Type.Optional(Type.String()),
    certificate: Type.Optional(Type.String()),
    hasPrivateKey: Type.Boolean(),
    insertInstant: Type.Integer(),
    lastUpdateInstant: Type.Integer(),
    expirationInstant: Type.Optional(Type.Integer()),
  },
  Open,
);
export const FaKeyResponse = Type.Object({ key: FaKey }, { description: 'The key (never its private part)' });
export const FaKeysResponse = Type.Object({ keys: Type.Array(FaKey) }, { description: 'All keys' });

const FaApiKey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    key: Type.Optional(Type.String({ description: 'Only in the create response' })),
    tenantId: Type.Optional(Type.String({ format: 'uuid' })),
    keyManager: Type.Boolean(),
    ownerId: Type.String({ description: 'Tessera: the account the key acts for; tenants it creates are that account’s' }),
    permissions: Type.Object({ endpoints: Type.Record(Type.String(), Type.Array(Type.String())) }, Open),
    metaData: Type.Object({ attributes: Type.Record(Type.String(), Type.String()) }, Open),
    retrievable: Type.Boolean(),
    insertInstant: Type.Integer(),
    lastUpdateInstant: Type.Integer(),
  },
  Open,
);
export const FaApiKeyResponse = Type.Object({ apiKey: FaApiKey }, { description: 'The API key' });
export const FaApiKeysResponse = Type.Object({ apiKeys: Type.Array(FaApiKey) }, { description: 'All API keys' });

const FaEmailTemplate = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    defaultSubject: Type.String(),
    defaultTextTemplate: Type.String(),
    defaultHtmlTemplate: Type.String(),
    fromEmail: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    defaultFromName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    insertInstant: Type.Integer(),
    lastUpdateInstant: Type.Integer(),
  },
  Open,
);
export const FaEmailTemplateResponse = Type.Object({ emailTemplate: FaEmailTemplate }, { description: 'The email template' });
export const FaEmailTemplatesResponse = Type.Object({ emailTemplates: Type.Array(FaEmailTemplate) }, { description: 'All email templates' });

export const FaUser = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    tenantId: Type.String({ format: 'uuid' }),
    username: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    active: Type.Boolean(),
    verified: Type.Boolean(),
    passwordChangeRequired: Type.Boolean(),
    passwordLastUpdateInstant: Type.Optional(Type.Integer()),
    preferredLanguages: Type.Optional(Type.Array(Type.String())),
    data: Type.Record(Type.String(), Type.Unknown()),
    insertInstant: Type.Integer(),
    lastUpdateInstant: Type.Integer(),
  },
  Open,
);

/** A 200 with an empty body. */
export const Done = emptyResponse('Done (empty body)');
/** A 200 with `{}`. */
export const DoneObject = Type.Object({}, { ...Open, description: 'Done' });
