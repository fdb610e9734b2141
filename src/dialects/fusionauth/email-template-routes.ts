/**
 * FusionAuth Email Template API (the part tenants need): a tenant's
 * emailConfiguration.*TemplateId may name one of these to replace a built-in message.
 * Placeholders are `${user.email}`, `${user.name}`, `${tenant.name}`, `${link}`, `${code}`,
 * `${expiresInMinutes}` (and `${unlocksAt}` for the account-locked message).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EmailTemplateInput, EmailTemplateService } from '../../core/email/email-template-service.js';
import { NotFound, NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { principal } from './auth.js';
import { isUuid } from './request.js';
import { Done, FaEmailTemplateResponse, FaEmailTemplatesResponse, faOperation } from './responses.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';


const EmailTemplateRequestSchema = nullMeansAbsent(Type.Object({
  emailTemplate: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 191 }),
    defaultSubject: Type.String({ minLength: 1, maxLength: 998 }),
    defaultTextTemplate: Type.String({ minLength: 1, maxLength: 65536 }),
    defaultHtmlTemplate: Type.String({ minLength: 1, maxLength: 262144 }),
    fromEmail: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    defaultFromName: Type.Optional(Type.String({ maxLength: 255 })),
  }),
}));

const errorFields = (f: string) => (f.startsWith('emailTemplate') ? f : `emailTemplate.${f}`);

function input(request: FastifyRequest): EmailTemplateInput {
  if (principal(request).locked) throw new NotPermitted();
  return (request.body as { emailTemplate: EmailTemplateInput }).emailTemplate;
}

function assertGlobal(request: FastifyRequest): void {
  if (principal(request).locked) throw new NotPermitted();
}

const TAG = 'Email Template';
const IdParams = Type.Object({ id: Type.String({ description: 'The email template id (a UUID)' }) });

/** Paths are under the FusionAuth scope's prefix, /api. */
export function registerEmailTemplateRoutes(app: FastifyInstance, deps: { emailTemplates: EmailTemplateService }): void {
  const config = { errorFields };
  const create = async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
    const body = input(request);
    const id = request.params.id;
    if (id !== undefined && !isUuid(id)) throw new ValidationFailed([problem('emailTemplateId', 'invalid', 'The id must be a UUID.')]);
    return reply.send({ emailTemplate: await deps.emailTemplates.create(id?.toLowerCase(), body) });
  };
  const createOp = { tag: TAG, body: EmailTemplateRequestSchema, responses: { 200: FaEmailTemplateResponse }, errors: [400, 401] };
  app.post('/email/template', { config, schema: faOperation({ ...createOp, summary: 'Create an email template with a random id' }) }, create);
  app.post('/email/template/:id', { config, schema: faOperation({ ...createOp, summary: 'Create an email template with the given id', params: IdParams }) }, create);

  app.get('/email/template', { config, schema: faOperation({ summary: 'Retrieve all email templates', tag: TAG, responses: { 200: FaEmailTemplatesResponse }, errors: [401] }) }, async (request, reply) => {
    assertGlobal(request);
    return reply.send({ emailTemplates: await deps.emailTemplates.list() });
  });
  app.get<{ Params: { id: string } }>(
    '/email/template/:id',
    { config, schema: faOperation({ summary: 'Retrieve an email template', tag: TAG, params: IdParams, responses: { 200: FaEmailTemplateResponse }, errors: [401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFound('email template');
      assertGlobal(request);
      return reply.send({ emailTemplate: await deps.emailTemplates.get(request.params.id.toLowerCase()) });
    },
  );
  app.put<{ Params: { id: string } }>(
    '/email/template/:id',
    { config, schema: faOperation({ summary: 'Replace an email template', tag: TAG, params: IdParams, body: EmailTemplateRequestSchema, responses: { 200: FaEmailTemplateResponse }, errors: [400, 401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFound('email template');
      return reply.send({ emailTemplate: await deps.emailTemplates.update(request.params.id.toLowerCase(), input(request)) });
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/email/template/:id',
    { config, schema: faOperation({ summary: 'Delete an email template', tag: TAG, params: IdParams, responses: { 200: Done }, errors: [401, 404] }) },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFound('email template');
      assertGlobal(request);
      await deps.emailTemplates.delete(request.params.id.toLowerCase());
      return reply.code(200).send();
    },
  );
}
