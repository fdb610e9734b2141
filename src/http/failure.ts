/**
 * What went wrong with a request, told apart once for every dialect. A thrown error becomes a
 * `Failure`; each dialect's renderer turns a Failure into its own status and body. Renderers
 * never look at the thrown error themselves, so the kinds of failure are all listed here.
 */
import type { FastifyError } from 'fastify';
import { Conflict, DependencyUnavailable, type FieldProblem, type GeneralProblem, NotFound, NotPermitted, PlanLimitExceeded, type PlanProblem, ValidationFailed } from '../core/errors.js';
import type { ErrorObject } from './ajv.js';
import { BodyRefused } from './json-body.js';

/** Where in the request a schema found the problem (Fastify says `querystring`/`params`). */
export type RequestPart = 'body' | 'query' | 'path' | 'header';

export type BodyProblem =
  | 'malformed' // not JSON, or empty
  | 'tooDeep' // nested past MAX_DEPTH
  | 'nul' // a NUL character in a string
  | 'tooLarge' // over the body limit (413)
  | 'unsupportedType'; // no parser for its content type (415)

export type Failure =
  /** The body could not be read at all. */
  | { type: 'unreadableBody'; status: 400 | 413 | 415; problem: BodyProblem; message: string }
  /** A route schema refused part of the request; `errors` are Ajv's, paths in the dialect's names. */
  | { type: 'schema'; part: RequestPart; errors: ErrorObject[] }
  /** The core (or a route) refused field values; field paths may be core paths. */
  | { type: 'invalid'; problems: FieldProblem[]; general: GeneralProblem[] }
  | { type: 'notFound'; what: string }
  | { type: 'notPermitted' }
  /** The tenant's subscription plan refuses it (core/plans): limits and plans named; fields are core paths. */
  | { type: 'planLimit'; problems: PlanProblem[] }
  | { type: 'unauthenticated' }
  | { type: 'protocol'; code: string; message: string }
  | { type: 'unavailable'; message: string }
  /** No route matches the method and URL. */
  | { type: 'noRoute'; method: string; url: string }
  /** Any other 4xx Fastify raised (bad Content-Length, say): its status and message are safe to show. */
  | { type: 'client'; status: number; code: string; message: string }
  /** Everything else: a bug or an outage. Rendered as 500 with no detail; logged by the scope. */
  | { type: 'internal' };

/** The request carries no usable credentials (no API key, or a wrong one). HTTP-level, not core. */
export class Unauthenticated extends Error {
  constructor() {
    super('Not authenticated');
  }
}

/**
 * A protocol's own error code, thrown by that protocol's routes (OAuth's `invalid_grant`, say);
 * its dialect's renderer knows the status. Make them with the protocol's helper (oauthError).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PARTS: Record<string, RequestPart> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function bodyFailure(problem: BodyProblem, status: 400 | 413 | 415, message: string): Failure {
  return { type: 'unreadableBody', status, problem, message };
}

export function classify(error: unknown): Failure {
  if (error instanceof ValidationFailed) return { type: 'invalid', problems: error.problems, general: error.general };
  // Services turn the clashes they expect into field errors; one that reaches here (a race the
  // service did not foresee) is still the caller's duplicate, never a 500.
  if (error instanceof Conflict) return { type: 'invalid', problems: [{ field: error.field ?? 'id', kind: 'duplicate', message: `This ${error.field ?? 'value'} is already taken.` }], general: [] };
  if (error instanceof NotFound) return { type: 'notFound', what: error.what };
  if (error instanceof NotPermitted) return { type: 'notPermitted' };
  if (error instanceof PlanLimitExceeded) return { type: 'planLimit', problems: error.problems };
  if (error instanceof Unauthenticated) return { type: 'unauthenticated' };
  if (error instanceof ProtocolError) return { type: 'protocol', code: error.code, message: error.message };
  if (error instanceof DependencyUnavailable) return { type: 'unavailable', message: error.message };
  if (error instanceof BodyRefused) return bodyFailure(error.problem, 400, error.message);

  const fastify = error as Partial<FastifyError> & { validation?: ErrorObject[]; validationContext?: string };
  if (fastify && typeof fastify === 'object' && Array.isArray(fastify.validation)) {
    return { type: 'schema', part: PARTS[fastify.validationContext ?? 'body'] ?? 'body', errors: fastify.validation };
  }
  switch (fastify?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return bodyFailure('malformed', 400, 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return bodyFailure('malformed', 400, 'The request body is empty but its content type is JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyFailure('tooLarge', 413, 'The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return bodyFailure('unsupportedType', 415, 'The request body must be sent as application/json.');
    // The router's refusals (reported through Fastify's frameworkErrors): no need to echo the URL.
    case 'FST_ERR_BAD_URL':
      return { type: 'client', status: 400, code: 'invalidURL', message: 'The URL has an invalid percent-escape.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { type: 'client', status: 414, code: 'tooLong', message: 'A path parameter is too long.' };
  }
  const status = fastify?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { type: 'client', status, code: String(fastify.code ?? 'invalid'), message: String(fastify.message ?? 'The request is invalid.') };
  }
  return { type: 'internal' };
}
