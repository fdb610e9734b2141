/**
 * PlusAuth's error shape, for its routes when they come (the settings and tenant APIs of seeds
 * 000–002). Those documents describe only the 200 responses; how PlusAuth reports an error is
 * not written down there. The shape chosen here follows the OAuth convention PlusAuth's
 * identity endpoints speak, with the refused fields listed:
 *   {"error": "invalid_request", "error_description": "…", "details": [{"field": "password_policy.min", "code": "tooShort", "message": "…"}]}
 * Statuses: 400 refused input, 401 no or wrong credentials, 403 not permitted (a missing scope
 * such as `read:tenant`), 404 not found, 413/415 unreadable body, 503 an outage, 500 a bug.
 * A refusal by the tenant's plan is 403 `plan_limit_exceeded`, one detail per refusal: `field`
 * the setting refused (or the limit, for a count), `code` the plan detail (`max_users`, `ciba`, …).
 * Field names are the dialect's (snake_case): routes give `config.errorFields` to translate
 * core paths.
 */
import type { ErrorObject } from '../../http/ajv.js';
import type { Rendered } from '../../http/error-scope.js';
import type { Failure } from '../../http/failure.js';

export interface PlusAuthFieldError {
  field: string;
  code: string;
  message: string;
}

const error = (status: number, code: string, description: string, details?: PlusAuthFieldError[]): Rendered => ({
  status,
  body: { error: code, error_description: description, ...(details?.length ? { details } : {}) },
});

/** `/password_policy/min` → `password_policy.min`; `/roles/2` → `roles[2]`. */
function fieldOf(e: ErrorObject, part: string): string {
  const parts = e.instancePath.split('/').slice(1);
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  if (extra !== undefined) parts.push(extra);
  const path = parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
  return path || part;
}

export function renderPlusAuthFailure(failure: Failure): Rendered {
  switch (failure.type) {
    case 'unreadableBody':
      return error(failure.status, failure.status === 400 ? 'invalid_request' : failure.status === 413 ? 'payload_too_large' : 'unsupported_media_type', failure.message);
    case 'schema':
      return error(
        400,
        'invalid_request',
        `The request ${failure.part} is invalid.`,
        failure.errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf').map((e) => ({ field: fieldOf(e, failure.part), code: e.keyword, message: e.message ?? 'invalid' })),
      );
    case 'invalid':
      return error(
        400,
        'invalid_request',
        failure.general.map((g) => g.message).join(' ') || 'Some fields are invalid.',
        failure.problems.map((p) => ({ field: p.field, code: p.rule ?? p.kind, message: p.message })),
      );
    case 'notFound':
      return error(404, 'not_found', `${failure.what[0]!.toUpperCase()}${failure.what.slice(1)} not found.`);
    case 'noRoute':
      return error(404, 'not_found', `No endpoint answers ${failure.method} ${failure.url.split('?')[0]}.`);
    case 'unauthenticated':
      return error(401, 'unauthorized', 'Credentials are missing or invalid.');
    case 'notPermitted':
      return error(403, 'forbidden', 'These credentials do not permit this request.');
    case 'planLimit':
      return error(
        403,
        'plan_limit_exceeded',
        failure.problems.map((p) => p.message).join(' '),
        failure.problems.map((p) => ({ field: p.field ?? p.limit, code: p.limit, message: p.message })),
      );
    case 'unavailable':
      return error(503, 'service_unavailable', failure.message);
    case 'protocol':
      return error(400, failure.code, failure.message);
    case 'client':
      return error(failure.status, 'invalid_request', failure.message);
    case 'internal':
      return error(500, 'server_error', 'The server failed to complete the request.');
  }
}
