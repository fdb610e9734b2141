/**
 * The one Ajv instance: Fastify validates with it, and dialects compile the same TypeBox
 * schemas with it (PATCH bodies are validated after merging). Strict about types — no
 * coercion, no silently removed fields, no defaults injected (defaults live in the core).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const formatsExport = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsExport.default ?? formatsExport;

export const ajv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: false, removeAdditional: false, strict: false });
addFormats(ajv, ['uuid', 'email', 'uri', 'date-time']);

/** Query strings and path parameters arrive as text: "10" must be able to mean 10 there. */
const coercing = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: false, removeAdditional: false, strict: false });
addFormats(coercing, ['uuid', 'email', 'uri', 'date-time']);

export function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  httpPart === 'querystring' || httpPart === 'params' ? coercing.compile(schema) : ajv.compile(schema);

export type { ErrorObject };
