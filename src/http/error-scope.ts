/**
 * One place per dialect where failures become responses. A dialect's Fastify scope calls
 * `renderErrorsWith(scope, renderer)`: every error thrown in its routes and hooks (body parser,
 * schema validation, the core's errors) and every unknown URL under its prefix is rendered by
 * that renderer. Routes throw; they never catch to render.
 *
 * Field names: core errors name core paths (`tokens.accessTokenKeyId`). A route whose dialect
 * names them otherwise says how in its config, `{ errorFields: (corePath) => dialectPath }`;
 * the scope applies it to `invalid` and `planLimit` failures before rendering. Schema failures
 * already name the request's own fields and are left as they are.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Failure, classify } from './failure.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Core field path → this route's field name, for rendering ValidationFailed. */
    errorFields?: (corePath: string) => string;
  }
}

export interface Rendered {
  status: number;
  /** Omitted: an empty body (FusionAuth's 401 and 404). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type FailureRenderer = (failure: Failure) => Rendered;

function withFieldNames(failure: Failure, request: FastifyRequest): Failure {
  const rename = request.routeOptions?.config?.errorFields;
  if (!rename) return failure;
  if (failure.type === 'planLimit') return { ...failure, problems: failure.problems.map((p) => (p.field === undefined ? p : { ...p, field: rename(p.field) })) };
  if (failure.type !== 'invalid') return failure;
  return { ...failure, problems: failure.problems.map((p) => ({ ...p, field: rename(p.field) })) };
}

export function sendRendered(reply: FastifyReply, rendered: Rendered): FastifyReply {
  if (rendered.headers) void reply.headers(rendered.headers);
  void reply.code(rendered.status);
  return rendered.body === undefined ? reply.send() : reply.send(rendered.body);
}

/**
 * `notFound: false` for a second scope on a prefix that already has one (Fastify keeps one
 * not-found handler per prefix): PlusAuth's /tenants/{tenant_id}/settings beside the Vault's
 * /tenants, whose not-found renderer tells the two apart by URL.
 */
export function renderErrorsWith(scope: FastifyInstance, render: FailureRenderer, options: { notFound?: boolean } = {}): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = withFieldNames(classify(error), request);
    if (failure.type === 'internal') request.log.error({ err: error }, 'unhandled error');
    return sendRendered(reply, render(failure));
  });
  if (options.notFound === false) return;
  scope.setNotFoundHandler((request, reply) => sendRendered(reply, render({ type: 'noRoute', method: request.method, url: request.url })));
}

/** For URLs outside every dialect: a status and no body. */
export function renderBareFailure(failure: Failure): Rendered {
  switch (failure.type) {
    case 'unreadableBody':
    case 'client':
      return { status: failure.status };
    case 'noRoute':
    case 'notFound':
      return { status: 404 };
    case 'unauthenticated':
      return { status: 401 };
    case 'notPermitted':
    case 'planLimit':
      return { status: 403 };
    case 'unavailable':
      return { status: 503 };
    case 'internal':
      return { status: 500 };
    case 'schema':
    case 'invalid':
    case 'protocol':
      return { status: 400 };
  }
}
