/** Request helpers every FusionAuth route shares. */
import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from '../../core/errors.js';
import { isPlainObject } from '../../util/json-merge.js';
import type { ErrorObject } from '../../http/ajv.js';
import { problemsFromAjv } from './errors.js';

/** FusionAuth ids are UUIDs; path ids that are not are simply not found. */
export { isUuid } from '../../util/uuid.js';

/** Throws the route schema's validation failure (attachValidation) as FusionAuth field errors. */
export function rejectInvalidBody(request: FastifyRequest): void {
  const error = request.validationError as { validation?: ErrorObject[] } | undefined;
  if (error) throw new ValidationFailed(problemsFromAjv(error.validation ?? []));
}

/** The validated body, which must be a JSON object. */
export function objectBody<T>(request: FastifyRequest): T {
  rejectInvalidBody(request);
  if (!isPlainObject(request.body)) throw new ValidationFailed([], [{ code: '[invalidJSON]', message: 'The request body must be a JSON object.' }]);
  return request.body as T;
}
