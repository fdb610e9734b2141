/**
 * A route's schema as the OpenAPI document shows it: summary, tag, request schemas and one
 * response schema per status — the success statuses the route sends and the error statuses its
 * dialect's renderer can answer, with that dialect's error body. Requests are validated with
 * the same schemas; responses are documented with them (see `serializeWithJsonStringify`).
 */
import type { FastifySchema } from 'fastify';
import type { TSchema } from 'typebox';

export interface Operation {
  summary: string;
  tag: string;
  description?: string;
  body?: TSchema | object;
  querystring?: TSchema | object;
  params?: TSchema | object;
  /** Success statuses and their bodies (`emptyResponse(…)` for none). */
  responses: Record<number, TSchema | object>;
  /** Error statuses this route can answer; 413 and 415 are added for routes with a body. */
  errors: number[];
  /** Reachable without an API key. */
  anonymous?: boolean;
}

/** A response without a body (the document shows no content for `type: 'null'`). */
export function emptyResponse(description: string): object {
  return { type: 'null', description };
}

export type ErrorBodies = (status: number) => object;

export function operationSchema(op: Operation, errorBody: ErrorBodies): FastifySchema {
  const statuses = new Set(op.errors);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
  }
  const response: Record<number, object> = { ...op.responses };
  for (const status of [...statuses].sort((a, b) => a - b)) response[status] = errorBody(status);
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(op.description ? { description: op.description } : {}),
    ...(op.body ? { body: op.body } : {}),
    ...(op.querystring ? { querystring: op.querystring } : {}),
    ...(op.params ? { params: op.params } : {}),
    ...(op.anonymous ? { security: [] } : {}),
    response,
  };
}
