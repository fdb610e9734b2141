/**
 * The FusionAuth tenant's field catalogue for the tenant fuzz, read from the schema itself
 * (src/dialects/fusionauth/tenant-schema.ts) when the test runs: each field's path and the kind
 * of value it takes (integer bounds, string lengths, formats, enum values). A field added to or
 * changed in the schema is fuzzed as it now is, without editing the tests.
 */
import { FaTenantSchema } from '../../../src/dialects/fusionauth/tenant-schema.js';
import { NULL_MEANS_ABSENT } from '../../../src/util/schema-nulls.js';
import type { JsonSchema } from './routes.js';

export type Kind =
  | { t: 'int'; min: number; max: number }
  | { t: 'bool' }
  | { t: 'str'; min?: number; max: number }
  | { t: 'uuid' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'email'; max: number }
  | { t: 'uri'; max: number }
  | { t: 'obj' }
  | { t: 'strOrRecord'; max: number }
  | { t: 'arr' };

export interface Field {
  path: string[];
  kind: Kind;
}

/** An optional member's schema without the `null` branch nullMeansAbsent gives it. */
function unwrap(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf as JsonSchema[] | undefined;
  if (options && options.length === 2 && options[1]?.[NULL_MEANS_ABSENT]) return unwrap(options[0]!);
  return schema;
}

const integerBounds = (s: JsonSchema): { min: number; max: number } => ({
  min: s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : Number.MIN_SAFE_INTEGER),
  max: s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : Number.MAX_SAFE_INTEGER),
});

function kindOf(s: JsonSchema): Kind {
  if (Array.isArray(s.enum)) return { t: 'enum', values: s.enum as string[] };
  if (Array.isArray(s.anyOf)) {
    const text = (s.anyOf as JsonSchema[]).find((b) => b.type === 'string');
    if (!text || typeof text.maxLength !== 'number') throw new Error(`unexpected union in the tenant schema: ${JSON.stringify(s).slice(0, 200)}`);
    return { t: 'strOrRecord', max: text.maxLength };
  }
  switch (s.type) {
    case 'integer':
      return { t: 'int', ...integerBounds(s) };
    case 'boolean':
      return { t: 'bool' };
    case 'array':
      return { t: 'arr' };
    case 'object':
      return { t: 'obj' };
    case 'string':
      if (s.format === 'uuid') return { t: 'uuid' };
      if (s.format === 'email') return { t: 'email', max: s.maxLength };
      if (s.format === 'uri') return { t: 'uri', max: s.maxLength };
      return { t: 'str', ...(s.minLength ? { min: s.minLength } : {}), max: s.maxLength };
  }
  throw new Error(`a tenant field of a kind the fuzz does not know: ${JSON.stringify(s).slice(0, 200)}`);
}

/** Every field of the tenant, parents before children; arrays and free-form records are not entered. */
export function tenantFields(schema: JsonSchema = FaTenantSchema as unknown as JsonSchema): Field[] {
  const out: Field[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    for (const [name, raw] of Object.entries<JsonSchema>(node.properties ?? {})) {
      const s = unwrap(raw);
      const here = [...path, name];
      out.push({ path: here, kind: kindOf(s) });
      if (s.type === 'object' && s.properties) walk(s, here);
    }
  };
  walk(schema, []);
  return out;
}

/** The tenant's one-time id generators (objects under externalIdentifierConfiguration). */
export function generatorNames(fields: readonly Field[]): string[] {
  return fields.filter((f) => f.path.length === 2 && f.path[0] === 'externalIdentifierConfiguration' && f.kind.t === 'obj').map((f) => f.path[1]!);
}

/** Its lifetimes in seconds that are only bounded by "greater than 0" (not the 600 s authorization grant). */
export function plainTtlNames(fields: readonly Field[]): string[] {
  return fields
    .filter((f) => f.path.length === 2 && f.path[0] === 'externalIdentifierConfiguration' && f.kind.t === 'int' && f.path[1]!.endsWith('TimeToLiveInSeconds') && f.kind.max > 600)
    .map((f) => f.path[1]!);
}
