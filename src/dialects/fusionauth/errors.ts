/**
 * FusionAuth's error shape, rendered in one place (the /api scope's error handler):
 *   400 {"fieldErrors": {"tenant.name": [{"code": "[blank]tenant.name", "message": "…"}]}, "generalErrors": [...]}
 * 401 and 404 carry no body, as FusionAuth documents. 413, 415, 500 and 503 carry
 * generalErrors (FusionAuth's document is silent on their bodies). A refusal by the tenant's
 * plan is a 400 too (FusionAuth's one status for a refused request): `[planLimit]<field>` on
 * the setting refused, or a general `[planLimit]<limit>` (`[planLimit]max_tenants`).
 */
import type { FieldProblem, GeneralProblem, PlanProblem, ProblemKind } from '../../core/errors.js';
import type { ErrorObject } from '../../http/ajv.js';
import type { Rendered } from '../../http/error-scope.js';
import type { Failure } from '../../http/failure.js';

export interface FaError {
  code: string;
  message: string;
}
export interface FaErrors {
  fieldErrors?: Record<string, FaError[]>;
  generalErrors?: FaError[];
}

/** FusionAuth's per-rule codes for a refused password. */
const PASSWORD_RULE_CODES: Record<string, string> = {
  minLength: 'tooShort',
  maxLength: 'tooLong',
  upperCase: 'singleCase',
  lowerCase: 'singleCase',
  number: 'requireNumber',
  nonAlpha: 'onlyAlpha',
  customChars: 'requireCustomCharacter',
  breached: 'breachedCommonPassword',
  previous: 'previouslyUsed',
  minimumAge: 'tooYoung',
};

export function faErrors(problems: Array<{ field: string; kind: ProblemKind; message: string; rule?: string | undefined }>, general: GeneralProblem[] = []): FaErrors {
  const body: FaErrors = {};
  for (const p of problems) {
    body.fieldErrors ??= {};
    const kind = (p.rule && PASSWORD_RULE_CODES[p.rule]) ?? p.kind;
    const list = (body.fieldErrors[p.field] ??= []);
    const code = `[${kind}]${p.field}`;
    if (!list.some((e) => e.code === code)) list.push({ code, message: p.message });
  }
  if (general.length) body.generalErrors = general.map((g) => ({ code: g.code, message: g.message }));
  return body;
}

/** Plan refusals: on the refused setting's field, or general for a count limit. */
export function faPlanErrors(problems: PlanProblem[]): FaErrors {
  const body: FaErrors = {};
  for (const p of problems) {
    if (p.field === undefined) {
      (body.generalErrors ??= []).push({ code: `[planLimit]${p.limit}`, message: p.message });
      continue;
    }
    const list = ((body.fieldErrors ??= {})[p.field] ??= []);
    if (!list.some((e) => e.message === p.message)) list.push({ code: `[planLimit]${p.field}`, message: p.message });
  }
  return body;
}

/** JSON pointer from Ajv (`/tenant/connectorPolicies/0/domains`) → FusionAuth path (`tenant.connectorPolicies[0].domains`). */
function pointerToField(pointer: string, prefix: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = prefix;
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

function describe(error: ErrorObject): { kind: ProblemKind; message: string } {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': return { kind: 'blank', message: 'This field is required.' };
    case 'additionalProperties': return { kind: 'invalid', message: 'This field is not one the API knows.' };
    case 'type': return { kind: 'couldNotConvert', message: `This field must be of type ${String(p.type)}.` };
    case 'enum': return { kind: 'invalid', message: `This field must be one of: ${(p.allowedValues as unknown[]).join(', ')}.` };
    case 'format': return { kind: 'invalid', message: `This field must be a valid ${String(p.format)}.` };
    case 'minLength': return p.limit === 1 ? { kind: 'blank', message: 'This field cannot be blank.' } : { kind: 'tooShort', message: `This field must be at least ${String(p.limit)} characters.` };
    case 'maxLength': return { kind: 'tooLong', message: `This field must be at most ${String(p.limit)} characters.` };
    case 'maxItems': return { kind: 'tooLong', message: `This list may have at most ${String(p.limit)} items.` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': return { kind: 'invalid', message: `The value must be ${String(p.comparison)} ${String(p.limit)}.` };
    default: return { kind: 'invalid', message: error.message ?? 'This field is invalid.' };
  }
}

/** Ajv errors → field problems, one per field (the first, most specific, wins). */
export function problemsFromAjv(errors: ErrorObject[], prefix = ''): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    let field = pointerToField(error.instancePath, prefix);
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
      const params = error.params as { missingProperty?: string; additionalProperty?: string };
      const name = String(params.missingProperty ?? params.additionalProperty);
      field = field ? `${field}.${name}` : name;
    }
    if (!field) field = prefix || 'request';
    if (!byField.has(field)) byField.set(field, { field, ...describe(error) });
  }
  return [...byField.values()];
}

const general = (status: number, code: string, message: string): Rendered => ({ status, body: faErrors([], [{ code, message }]) });

const NOT_AN_OBJECT = { code: '[invalidJSON]', message: 'The request body must be a JSON object.' };

/** Every failure as FusionAuth answers it: 400 field/general errors; 401 and 404 empty. */
export function renderFaFailure(failure: Failure): Rendered {
  switch (failure.type) {
    case 'unreadableBody': {
      const code = { malformed: '[invalidJSON]', tooDeep: '[invalidJSON]', nul: '[invalid]', tooLarge: '[tooLarge]', unsupportedType: '[unsupportedMediaType]' }[failure.problem];
      return general(failure.status, code, failure.message);
    }
    case 'schema': {
      // A body that is not an object at all (an array, a number, nothing) is one general error.
      if (failure.part === 'body' && failure.errors.some((e) => e.instancePath === '' && e.keyword === 'type')) {
        return { status: 400, body: faErrors([], [NOT_AN_OBJECT]) };
      }
      return { status: 400, body: faErrors(problemsFromAjv(failure.errors)) };
    }
    case 'invalid':
      return { status: 400, body: faErrors(failure.problems, failure.general) };
    case 'planLimit':
      return { status: 400, body: faPlanErrors(failure.problems) };
    case 'notFound':
    case 'noRoute':
      return { status: 404 };
    case 'notPermitted':
    case 'unauthenticated':
      return { status: 401 };
    case 'unavailable':
      return general(503, '[ServiceUnavailable]', failure.message);
    case 'client':
      return general(failure.status, `[${failure.code}]`, failure.message);
    case 'protocol':
      return general(400, `[${failure.code}]`, failure.message);
    case 'internal':
      return general(500, '[InternalError]', 'The server failed to complete the request.');
  }
}
