/**
 * The Vault service's error shape (FastAPI style), rendered in one place (the /tenants scope's
 * error handler):
 *   422 {"detail": [{"loc": ["body", "username"], "msg": "…", "type": "value_error"}]}
 *   401/403/404/413/415/500/503 {"detail": "…"}
 * `loc` starts with the part of the request at fault: body, query, path or header. A refusal
 * by the tenant's plan is 403 (allowed input, not allowed on this plan), its detail naming
 * the limit and the plan: `{"detail": "The free plan allows at most 3 users in a tenant (max_users), …"}`.
 */
import type { FieldProblem } from '../../core/errors.js';
import type { ErrorObject } from '../../http/ajv.js';
import type { Rendered } from '../../http/error-scope.js';
import type { Failure, RequestPart } from '../../http/failure.js';

export interface VaultErrorDetail {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

const TYPE_OF: Record<FieldProblem['kind'], string> = {
  blank: 'value_error.missing',
  missing: 'value_error.missing',
  invalid: 'value_error',
  duplicate: 'value_error.duplicate',
  notFound: 'value_error.not_found',
  tooLong: 'value_error.any_str.max_length',
  tooShort: 'value_error.any_str.min_length',
  couldNotConvert: 'type_error',
  inUse: 'value_error.in_use',
};

/** `users[3].username` → ["body", "users", 3, "username"] */
export function locOf(field: string, where: RequestPart = 'body'): Array<string | number> {
  const loc: Array<string | number> = [where];
  for (const part of field.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      loc.push(part);
      continue;
    }
    if (match[1]) loc.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) loc.push(Number(index[1]));
  }
  return loc;
}

function typeOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required': return 'value_error.missing';
    case 'additionalProperties': return 'value_error.extra';
    case 'type': return `type_error.${String((e.params as { type: string }).type)}`;
    default: return `value_error.${e.keyword}`;
  }
}

function msgOf(e: ErrorObject): string {
  if (e.keyword === 'required') return 'field required';
  if (e.keyword === 'additionalProperties') return 'extra fields not permitted';
  return e.message ?? 'invalid value';
}

export function detailsFromAjv(errors: ErrorObject[], where: RequestPart): VaultErrorDetail[] {
  const seen = new Set<string>();
  const out: VaultErrorDetail[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const loc: Array<string | number> = [where, ...e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
    if (e.keyword === 'required') loc.push(String((e.params as { missingProperty: string }).missingProperty));
    if (e.keyword === 'additionalProperties') loc.push(String((e.params as { additionalProperty: string }).additionalProperty));
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ loc, msg: msgOf(e), type: typeOf(e) });
  }
  return out;
}

const unprocessable = (detail: VaultErrorDetail[]): Rendered => ({ status: 422, body: { detail } });
const message = (status: number, detail: string): Rendered => ({ status, body: { detail } });

export function renderVaultFailure(failure: Failure): Rendered {
  switch (failure.type) {
    case 'unreadableBody':
      if (failure.status !== 400) return message(failure.status, failure.message);
      return unprocessable([{ loc: ['body'], msg: failure.message, type: failure.problem === 'malformed' ? 'value_error.jsondecode' : 'value_error' }]);
    case 'schema':
      return unprocessable(detailsFromAjv(failure.errors, failure.part));
    case 'invalid':
      return unprocessable([
        ...failure.problems.map((p) => ({ loc: locOf(p.field), msg: p.message, type: TYPE_OF[p.kind] })),
        ...failure.general.map((g) => ({ loc: ['body'], msg: g.message, type: 'value_error' })),
      ]);
    case 'notFound':
      return message(404, `${failure.what[0]!.toUpperCase()}${failure.what.slice(1)} not found`);
    case 'noRoute':
      return message(404, 'Not Found');
    case 'unauthenticated':
      return { status: 401, body: { detail: 'Not authenticated' }, headers: { 'www-authenticate': 'Bearer' } };
    case 'notPermitted':
      return message(403, 'Not permitted for this API key');
    case 'planLimit':
      return message(403, failure.problems.map((p) => p.message).join(' '));
    case 'unavailable':
      return message(503, failure.message);
    case 'client':
      return message(failure.status, failure.message);
    case 'protocol':
      return message(400, failure.message);
    case 'internal':
      return message(500, 'Internal Server Error');
  }
}
