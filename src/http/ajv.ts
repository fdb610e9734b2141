/**
 * The one Ajv instance: Fastify validates with it, and dialects compile the same TypeBox
 * schemas with it (PATCH bodies are validated after merging). Strict about types — no
 * coercion, no silently removed fields, no defaults injected (defaults live in the core).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { NULL_MEANS_ABSENT } from '../util/schema-nulls.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const formatsExport = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsExport.default ?? formatsExport;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * RFC 3339 date-time, held to what a JavaScript Date can represent: ajv-formats also accepts a
 * leap second (`23:59:60`), a space or lower-case `t`/`z`, none of which every consumer parses
 * alike, and `Date.parse` answers NaN for the leap second. Accepted here: a real calendar day,
 * 00:00:00–23:59:59 with up to 9 fraction digits, `Z` or an offset up to ±23:59, and a value
 * `Date.parse` turns into a finite instant.
 */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return Number.isFinite(Date.parse(text));
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * `nullMeansAbsent` (see src/util/schema-nulls.ts): on the `null` branch of an optional
 * property, removes the member from the object being validated, so `null` reads as "not given".
 */
function addKeywords(instance: Ajv): Ajv {
  instance.addKeyword({
    keyword: NULL_MEANS_ABSENT,
    schemaType: 'boolean',
    modifying: true,
    errors: false,
    validate: (enabled: boolean, data: unknown, _schema?: unknown, where?: { parentData?: unknown; parentDataProperty?: string | number }) => {
      const parent = where?.parentData;
      if (enabled && data === null && parent && typeof parent === 'object' && !Array.isArray(parent) && where?.parentDataProperty !== undefined) {
        delete (parent as Record<string | number, unknown>)[where.parentDataProperty];
      }
      return true;
    },
  });
  instance.addFormat('date-time', { type: 'string', validate: isDateTime });
  return instance;
}

export const ajv = addKeywords(addFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: false, removeAdditional: false, strict: false }), ['uuid', 'email', 'uri']));

/** Query strings and path parameters arrive as text: "10" must be able to mean 10 there. */
const coercing = addKeywords(addFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: false, removeAdditional: false, strict: false }), ['uuid', 'email', 'uri']));

export function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  httpPart === 'querystring' || httpPart === 'params' ? coercing.compile(schema) : ajv.compile(schema);

export type { ErrorObject };
