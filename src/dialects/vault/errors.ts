/**
 * The Vault service's error shape (FastAPI style), rendered in one place:
 *   422 {"detail": [{"loc": ["body", "username"], "msg": "…", "type": "value_error"}]}
 *   401/403/404 {"detail": "…"}
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DependencyUnavailable, type FieldProblem, NotFound, NotPermitted, ValidationFailed } from '../../core/errors.js';
import type { ErrorObject } from '../../http/ajv.js';

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
export function locOf(field: string, where = 'body'): Array<string | number> {
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

export function detailsFromAjv(errors: ErrorObject[], where: string): VaultErrorDetail[] {
  const seen = new Set<string>();
  const out: VaultErrorDetail[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const loc: Array<string | number> = [where, ...e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
    if (e.keyword === 'required') loc.push(String((e.params as { missingProperty: string }).missingProperty));
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    const type = e.keyword === 'required' ? 'value_error.missing' : e.keyword === 'type' ? `type_error.${String((e.params as { type: string }).type)}` : `value_error.${e.keyword}`;
    out.push({ loc, msg: e.keyword === 'required' ? 'field required' : (e.message ?? 'invalid value'), type });
  }
  return out;
}

/** A route schema's validation failure (attachValidation) as 422 detail, or undefined. */
export function validationDetails(request: FastifyRequest): VaultErrorDetail[] | undefined {
  const error = request.validationError as (Error & { validation?: ErrorObject[]; validationContext?: string }) | undefined;
  if (!error) return undefined;
  return detailsFromAjv(error.validation ?? [], error.validationContext === 'querystring' ? 'query' : error.validationContext === 'params' ? 'path' : (error.validationContext ?? 'body'));
}

export function sendVaultValidation(reply: FastifyReply, detail: VaultErrorDetail[]): void {
  void reply.code(422).send({ detail });
}

/** Renders core errors; returns false for errors this dialect does not own. */
export function sendVaultError(reply: FastifyReply, error: unknown, mapField: (field: string) => string = (f) => f): boolean {
  if (error instanceof ValidationFailed) {
    const detail = [
      ...error.problems.map((p) => ({ loc: locOf(mapField(p.field)), msg: p.message, type: TYPE_OF[p.kind] })),
      ...error.general.map((g) => ({ loc: ['body'], msg: g.message, type: 'value_error' })),
    ];
    sendVaultValidation(reply, detail);
    return true;
  }
  if (error instanceof NotFound) {
    void reply.code(404).send({ detail: `${error.what[0]!.toUpperCase()}${error.what.slice(1)} not found` });
    return true;
  }
  if (error instanceof NotPermitted) {
    void reply.code(403).send({ detail: 'Not permitted for this API key' });
    return true;
  }
  if (error instanceof DependencyUnavailable) {
    void reply.code(503).send({ detail: error.message });
    return true;
  }
  return false;
}
