/**
 * FusionAuth Email Template API (the part tenants need): a tenant's
 * emailConfiguration.*TemplateId may name one of these to replace a built-in message.
 * Placeholders are `${user.email}`, `${user.name}`, `${tenant.name}`, `${link}`, `${code}`,
 * `${expiresInMinutes}` (and `${unlocksAt}` for the account-locked message).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EmailTemplateInput, EmailTemplateService } from '../../core/email/email-template-service.js';
import { NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { principal } from './auth.js';
import { sendFaError } from './errors.js';
import { isUuid, objectBody } from './request.js';
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

function fail(reply: FastifyReply, error: unknown): void {
  if (!sendFaError(reply, error, (f) => (f.startsWith('emailTemplate') ? f : `emailTemplate.${f}`))) throw error;
}

function input(request: FastifyRequest): EmailTemplateInput {
  if (principal(request).locked) throw new NotPermitted();
  return objectBody<{ emailTemplate: EmailTemplateInput }>(request).emailTemplate;
}

export function registerEmailTemplateRoutes(app: FastifyInstance, deps: { emailTemplates: EmailTemplateService }): void {
  const opts = { schema: { body: EmailTemplateRequestSchema }, attachValidation: true };
  const create = async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
    try {
      const body = input(request);
      const id = request.params.id;
      if (id !== undefined && !isUuid(id)) throw new ValidationFailed([problem('emailTemplateId', 'invalid', 'The id must be a UUID.')]);
      return reply.send({ emailTemplate: await deps.emailTemplates.create(id?.toLowerCase(), body) });
    } catch (error) {
      return fail(reply, error);
    }
  };
  app.post('/api/email/template', opts, create);
  app.post('/api/email/template/:id', opts, create);

  app.get('/api/email/template', async (request, reply) => {
    try {
      if (principal(request).locked) throw new NotPermitted();
      return reply.send({ emailTemplates: await deps.emailTemplates.list() });
    } catch (error) {
      return fail(reply, error);
    }
  });
  app.get<{ Params: { id: string } }>('/api/email/template/:id', async (request, reply) => {
    if (!isUuid(request.params.id)) return reply.code(404).send();
    try {
      if (principal(request).locked) throw new NotPermitted();
      return reply.send({ emailTemplate: await deps.emailTemplates.get(request.params.id.toLowerCase()) });
    } catch (error) {
      return fail(reply, error);
    }
  });
  app.put<{ Params: { id: string } }>('/api/email/template/:id', opts, async (request, reply) => {
    if (!isUuid(request.params.id)) return reply.code(404).send();
    try {
      return reply.send({ emailTemplate: await deps.emailTemplates.update(request.params.id.toLowerCase(), input(request)) });
    } catch (error) {
      return fail(reply, error);
    }
  });
  app.delete<{ Params: { id: string } }>('/api/email/template/:id', async (request, reply) => {
    if (!isUuid(request.params.id)) return reply.code(404).send();
    try {
      if (principal(request).locked) throw new NotPermitted();
      await deps.emailTemplates.delete(request.params.id.toLowerCase());
      return reply.code(200).send();
    } catch (error) {
      return fail(reply, error);
    }
  });
}
