/**
 * What a refused request must look like, per dialect, and why an answer fails:
 * - never 5xx, never a dropped connection;
 * - a 2xx only where the input happens to be valid, and then one the route documents (while
 *   routes document only Fastify's default 200, any 2xx);
 * - a 4xx in the dialect's error shape: FusionAuth `400 {"fieldErrors":{…},"generalErrors":[…]}`
 *   with `[kind]field` codes, 401/404/409/429 without a body; Vault `422 {"detail":[{loc,msg,type}]}`,
 *   `401/403/404 {"detail":"…"}`; PlusAuth `400 {"error","error_description","details":[{field,code,message}]}`,
 *   `401/403/404/413/415 {"error","error_description"}`.
 */
import type { Dialect } from './routes.js';

export interface Answer {
  status: number;
  text: string;
  body: unknown;
  /** Set when no HTTP answer came (connection refused or reset). */
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a body measured against FusionAuth's error shape; undefined if nothing. */
export function faShapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  const extra = Object.keys(body).filter((k) => k !== 'fieldErrors' && k !== 'generalErrors');
  if (extra.length) return `unexpected top-level keys ${extra.join(', ')}`;
  if (!('fieldErrors' in body) && !('generalErrors' in body)) return 'neither fieldErrors nor generalErrors';
  if ('fieldErrors' in body) {
    const fieldErrors = body.fieldErrors;
    if (!isObject(fieldErrors) || Object.keys(fieldErrors).length === 0) return 'fieldErrors is not a non-empty object';
    for (const [field, errors] of Object.entries(fieldErrors)) {
      if (!Array.isArray(errors) || errors.length === 0) return `fieldErrors[${field}] is not a non-empty array`;
      for (const e of errors) {
        if (!isObject(e) || typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message) return `fieldErrors[${field}] has an entry without code and message`;
        const match = /^\[([A-Za-z]+)\](.+)$/s.exec(e.code);
        if (!match || match[2] !== field) return `fieldErrors[${field}] has code ${e.code}, not [kind]${field}`;
      }
    }
  }
  if ('generalErrors' in body) {
    const general = body.generalErrors;
    if (!Array.isArray(general) || general.length === 0) return 'generalErrors is not a non-empty array';
    for (const e of general) {
      if (!isObject(e) || typeof e.code !== 'string' || !/^\[[A-Za-z_]+\]/.test(e.code) || typeof e.message !== 'string') return `generalErrors has a malformed entry ${JSON.stringify(e)}`;
    }
  }
  return undefined;
}

/** What is wrong with a Vault 422 body; undefined if nothing. */
export function vaultValidationProblem(body: unknown): string | undefined {
  if (!isObject(body) || Object.keys(body).join() !== 'detail') return 'not {"detail": …}';
  if (!Array.isArray(body.detail) || body.detail.length === 0) return 'detail is not a non-empty array';
  for (const d of body.detail) {
    if (!isObject(d) || !Array.isArray(d.loc) || d.loc.length === 0 || typeof d.msg !== 'string' || typeof d.type !== 'string') return `malformed detail entry ${JSON.stringify(d)}`;
    if (!['body', 'query', 'path', 'header'].includes(String(d.loc[0]))) return `loc starts with ${JSON.stringify(d.loc[0])}`;
    if (!d.loc.every((p: unknown) => typeof p === 'string' || typeof p === 'number')) return `loc ${JSON.stringify(d.loc)} has parts that are neither names nor indexes`;
  }
  return undefined;
}

function vaultMessageProblem(body: unknown): string | undefined {
  return isObject(body) && Object.keys(body).join() === 'detail' && typeof body.detail === 'string' && body.detail ? undefined : 'not {"detail": "…"}';
}

/** What is wrong with a PlusAuth error body; undefined if nothing. */
export function plusAuthErrorProblem(body: unknown, status: number): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  const extra = Object.keys(body).filter((k) => !['error', 'error_description', 'details'].includes(k));
  if (extra.length) return `unexpected keys ${extra.join(', ')}`;
  if (typeof body.error !== 'string' || !body.error || typeof body.error_description !== 'string') return 'no error and error_description';
  if ('details' in body) {
    if (status !== 400) return `details on a ${status}`;
    if (!Array.isArray(body.details) || body.details.length === 0) return 'details is not a non-empty array';
    for (const d of body.details) {
      if (!isObject(d) || typeof d.field !== 'string' || !d.field || typeof d.code !== 'string' || typeof d.message !== 'string') return `malformed detail ${JSON.stringify(d)}`;
    }
  }
  return undefined;
}

export interface JudgeOptions {
  dialect: Dialect;
  documentedSuccess: number[];
}

/** Why this answer fails; undefined if it passes. */
export function judge(answer: Answer, options: JudgeOptions): string | undefined {
  if (answer.error) return `no answer: ${answer.error}`;
  const { status, body, text } = answer;
  if (status >= 500) return `status ${status}`;
  if (status >= 200 && status < 300) {
    if (options.documentedSuccess.length && !options.documentedSuccess.includes(status)) return `status ${status} is not one the route documents (${options.documentedSuccess.join(', ')})`;
    return undefined;
  }
  if (status < 400) return `status ${status}`;
  // Framework refusals before routing: an over-long path parameter (find-my-way's 100 characters).
  if (status === 414) return undefined;
  if (options.dialect === 'fusionauth' || options.dialect === 'other') {
    if (status === 400 || status === 413 || status === 415) {
      const problem = faShapeProblem(body);
      return problem ? `${status} not in FusionAuth's error shape: ${problem}` : undefined;
    }
    if (options.dialect === 'fusionauth' && [401, 404, 409, 429].includes(status)) return text === '' ? undefined : `${status} with a body: ${text.slice(0, 200)}`;
    if (options.dialect === 'fusionauth') return `status ${status} is not one FusionAuth answers`;
  }
  if (options.dialect === 'plusauth') {
    if ([400, 401, 403, 404, 413, 415].includes(status)) {
      const problem = plusAuthErrorProblem(body, status);
      return problem ? `${status} not in PlusAuth's shape: ${problem}` : undefined;
    }
    return `status ${status} is not one PlusAuth answers: ${text.slice(0, 200)}`;
  }
  if (options.dialect === 'vault') {
    if (status === 422) {
      const problem = vaultValidationProblem(body);
      return problem ? `422 not in the Vault shape: ${problem}` : undefined;
    }
    if (status === 401 || status === 403 || status === 404 || status === 413 || status === 415) {
      const problem = vaultMessageProblem(body);
      return problem ? `${status} not in the Vault shape: ${problem}` : undefined;
    }
    return `status ${status} is not one the Vault answers: ${text.slice(0, 200)}`;
  }
  return undefined;
}
