/**
 * fast-check arbitraries derived from a route's own JSON schemas: values that satisfy a schema
 * (as far as its keywords tell: business rules may still refuse them), values that break it
 * (wrong types, nulls where null is not allowed, numbers out of range or past 64 bits,
 * over-long strings, NUL characters, values outside an enum, too many items, missing required
 * members), and mutations of valid objects at one member, nested.
 */
import fc from 'fast-check';
import type { JsonSchema } from './routes.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Arb = fc.Arbitrary<Json>;

/** Text every parser and database handles alike, but that no schema expects. */
export const WEIRD_STRINGS: readonly string[] = [
  '', ' ', '\t\n', '\u00e9\u0301', '\u202e\u202d', '\ufeff', '\ud800', '\udfff', '\u{1F600}'.repeat(3), 'null', 'undefined', 'NaN', 'true', '0',
  '../../etc/passwd', '<script>alert(1)</script>', "' OR '1'='1", '%00', '%', '\\', '{}', '[]', '\u0085', '\u2028',
];

/** Numbers at and past the edges of 32 bits, 53 bits, 64 bits and a Date. */
export const EDGE_NUMBERS: readonly number[] = [
  -1, 0, -0, 0.5, 1.5, -2.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 8.64e15, 8.64e15 + 1, 1e21, 1e300, -1e300,
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE,
];

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);
const allowsNull = (schema: JsonSchema): boolean =>
  schema.nullable === true || typesOf(schema).includes('null') || (Array.isArray(schema.enum) && schema.enum.includes(null)) || (schema.anyOf ?? schema.oneOf ?? []).some(allowsNull);

function branches(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

const lowerBound = (s: JsonSchema): number | undefined =>
  s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? (s.type === 'integer' ? Math.floor(s.exclusiveMinimum) + 1 : s.exclusiveMinimum) : undefined);
const upperBound = (s: JsonSchema): number | undefined =>
  s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? (s.type === 'integer' ? Math.ceil(s.exclusiveMaximum) - 1 : s.exclusiveMaximum) : undefined);

function validString(schema: JsonSchema): Arb {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/).map((local) => `${local}@example.com`);
    case 'uri':
      return fc.stringMatching(/^[a-z0-9]{1,12}$/).map((p) => `https://example.com/${p}`);
    case 'date-time':
      return fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (typeof schema.maxLength === 'number' && !schema.pattern && !schema.format && !schema.longestTried) {
    // The longest values the schema allows, in ASCII and in astral code points (4 bytes each).
    const longest = fc.constantFrom('n'.repeat(schema.maxLength), '\u{1F600}'.repeat(schema.maxLength));
    return fc.oneof({ weight: 5, arbitrary: validString({ ...schema, maxLength: Math.min(schema.maxLength, 40), longestTried: true }) }, { weight: 1, arbitrary: longest });
  }
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => [...s].length >= min && [...s].length <= (schema.maxLength ?? Infinity));
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.max(Math.min(max, 12), 1) }) },
  ).filter((s) => [...s].length >= min && [...s].length <= (schema.maxLength ?? Infinity) && !s.includes('\u0000'));
}

/** A value the schema accepts, as far as its keywords go. */
export function validValue(schema: JsonSchema, depth = 0): Arb {
  if (!schema || typeof schema !== 'object') return fc.jsonValue({ maxDepth: 1 }) as Arb;
  if ('const' in schema) return fc.constant(schema.const as Json);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  const options = branches(schema);
  if (options) return fc.oneof(...options.map((b) => validValue(b, depth)));
  const type = typesOf(schema)[0];
  switch (type) {
    case 'string':
      return validString(schema);
    case 'integer': {
      const lo = lowerBound(schema);
      const hi = upperBound(schema);
      const inside = fc.integer({ min: Math.max(lo ?? -1000, -(2 ** 31)), max: Math.min(hi ?? 100_000, 2 ** 31 - 1) });
      // The bounds themselves, however large: what the schema allows must fit where it is stored.
      const edges = [lo, hi].filter((v): v is number => v !== undefined);
      return edges.length ? fc.oneof({ weight: 4, arbitrary: inside }, { weight: 1, arbitrary: fc.constantFrom(...edges) }) : inside;
    }
    case 'number':
      return fc.double({ min: lowerBound(schema) ?? -1000, max: upperBound(schema) ?? 100_000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 5) return fc.constant([]);
      return fc.array(validValue(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object':
      return validObject(schema, depth);
  }
  return fc.jsonValue({ maxDepth: 2 }) as Arb;
}

function validObject(schema: JsonSchema, depth: number): Arb {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    const values = schema.patternProperties ? (Object.values(schema.patternProperties)[0] as JsonSchema) : schema.additionalProperties;
    if (depth > 5) return fc.constant({});
    return fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,8}$/), validValue(typeof values === 'object' ? values : {}, depth + 1), { maxKeys: 3 }) as Arb;
  }
  if (depth > 5) return fc.constant({});
  // The required members and a few optional ones: sparse objects are valid more often (every
  // optional member is a chance to break a rule the schema cannot state), and a broken member
  // is then more often the one reason for a refusal.
  const present = required.filter((k) => k in properties);
  const optional = keys.filter((k) => !required.includes(k));
  return fc
    .subarray(optional, { maxLength: Math.min(optional.length, 4) })
    .chain((chosen) => fc.record(Object.fromEntries([...present, ...chosen].map((k) => [k, validValue(properties[k]!, depth + 1)])))) as Arb;
}

function wrongTypes(schema: JsonSchema): Arb | undefined {
  const allowed = new Set(typesOf(schema));
  const all: Array<[string, Arb]> = [
    ['string', fc.constantFrom('text', '', '12', 'true')],
    ['integer', fc.constantFrom(0, 7, -3)],
    ['number', fc.constantFrom(1.5, -0.25)],
    ['boolean', fc.boolean()],
    ['object', fc.constantFrom<Json>({}, { value: 1 })],
    ['array', fc.constantFrom<Json>([], [1, 'a'], [{}])],
  ];
  const arbs = all.filter(([t]) => !allowed.has(t) && !(t === 'integer' && allowed.has('number'))).map(([, a]) => a);
  return arbs.length ? fc.oneof(...arbs) : undefined;
}

/** Values the schema refuses (or, where it names no constraint, odd ones it may accept). */
export function invalidValue(schema: JsonSchema, depth = 0, options: { nul: boolean } = { nul: true }): Arb {
  const choices: Arb[] = [];
  if (!allowsNull(schema)) choices.push(fc.constant(null));
  const alternatives = branches(schema);
  if (alternatives) {
    const nonNull = alternatives.filter((b) => !(Array.isArray(b.enum) && b.enum.length === 1 && b.enum[0] === null) && b.type !== 'null');
    for (const b of nonNull) choices.push(invalidValue(b, depth, options).filter((v) => v !== null || !allowsNull(schema)));
    return fc.oneof(...choices);
  }
  if (Array.isArray(schema.enum)) {
    choices.push(fc.constantFrom('UNKNOWN', '', ...schema.enum.filter((v: unknown) => typeof v === 'string').map((v: string) => `${v.toLowerCase()} `)), fc.constantFrom(0, 99, true));
    return fc.oneof(...choices);
  }
  const type = typesOf(schema)[0];
  const wrong = type ? wrongTypes(schema) : undefined;
  if (wrong) choices.push(wrong);
  switch (type) {
    case 'string': {
      const max = schema.maxLength;
      if (typeof max === 'number') {
        choices.push(fc.integer({ min: max + 1, max: max + 64 }).map((n) => 'x'.repeat(n)));
        choices.push(fc.constant('\u{1F600}'.repeat(max + 1)));
      } else choices.push(fc.constant('y'.repeat(70_000)));
      if ((schema.minLength ?? 0) > 0) choices.push(fc.constant(''));
      if (schema.format || schema.pattern) choices.push(fc.constantFrom('not valid', ' spaced value ', 'a/b', '\u00e9', '2016-12-31T23:59:60Z', '2021-02-30T00:00:00Z', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'));
      choices.push(fc.constantFrom(...WEIRD_STRINGS));
      if (options.nul) choices.push(fc.constantFrom('a\u0000b', '\u0000'));
      break;
    }
    case 'integer':
    case 'number': {
      const lo = lowerBound(schema);
      const hi = upperBound(schema);
      if (lo !== undefined) choices.push(fc.constantFrom(lo - 1, lo - 1000, -1e300));
      if (hi !== undefined) choices.push(fc.constantFrom(hi + 1, hi * 2 + 1, 1e300));
      if (type === 'integer') choices.push(fc.constantFrom(0.5, 1.5, 2.0000001));
      choices.push(fc.constantFrom(...EDGE_NUMBERS));
      break;
    }
    case 'array': {
      const max = schema.maxItems;
      if (typeof max === 'number') choices.push(fc.constant(Array.from({ length: max + 1 }, () => ({}) as Json)));
      else choices.push(fc.constant(Array.from({ length: 20_000 }, (_, i) => i)));
      if (schema.items && depth < 5) choices.push(invalidValue(schema.items, depth + 1, options).map((v) => [v]));
      break;
    }
    case 'object':
      if (depth < 6) choices.push(mutatedObject(schema, depth, options));
      break;
  }
  if (choices.length === 0) choices.push(fc.constantFrom<Json>({ unexpected: true }, 'x', 5));
  return fc.oneof(...choices);
}

/** A valid object with one member broken: replaced by an invalid value, removed (if required), or an unknown one added. */
function mutatedObject(schema: JsonSchema, depth: number, options: { nul: boolean }): Arb {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const keys = Object.keys(properties);
  const base = validObject(schema, depth) as fc.Arbitrary<Record<string, Json>>;
  const variants: Arb[] = [base.map((b) => ({ ...b, ['unknownField' + (depth || '')]: 'surprise' }))];
  if (keys.length) {
    variants.push(
      fc.constantFrom(...keys).chain((key) => fc.tuple(base, invalidValue(properties[key]!, depth + 1, options)).map(([b, value]) => ({ ...b, [key]: value }))),
    );
  }
  const required: string[] = (schema.required ?? []).filter((k: string) => k in properties);
  if (required.length) {
    variants.push(fc.tuple(base, fc.constantFrom(...required)).map(([b, key]) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== key))));
  }
  if (!keys.length && (schema.patternProperties || typeof schema.additionalProperties === 'object')) {
    const values = schema.patternProperties ? (Object.values(schema.patternProperties)[0] as JsonSchema) : schema.additionalProperties;
    variants.push(invalidValue(values ?? {}, depth + 1, options).map((v) => ({ key: v })));
  }
  return fc.oneof(...variants);
}

/** A request body for a schema: mostly broken, sometimes valid (then the route may answer 2xx). */
export function bodyFor(schema: JsonSchema, options: { nul: boolean }): Arb {
  return fc.oneof({ weight: 5, arbitrary: invalidValue(schema, 0, options) }, { weight: 1, arbitrary: validValue(schema) });
}

/** Raw path segment text: known ids, schema-valid values, and garbage (NUL, long, unicode, dots). */
export function pathSegment(schema: JsonSchema, known: readonly string[]): fc.Arbitrary<string> {
  const garbage = fc.oneof(
    fc.constantFrom('\u0000', 'a\u0000b', '...', ' ', '\u{1F600}', '\ud800x', 'a/b', '%', '?x=1', '#frag', 'x'.repeat(64), 'x'.repeat(99), 'x'.repeat(101), 'x'.repeat(5000), '00000000-0000-0000-0000-000000000000'),
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
  );
  const valid = (validValue(schema) as fc.Arbitrary<unknown>).map((v) => String(v)).filter((s) => s.length > 0);
  const arbs: Array<fc.WeightedArbitrary<string>> = [
    { weight: 3, arbitrary: garbage },
    { weight: 2, arbitrary: valid },
  ];
  if (known.length) arbs.push({ weight: 3, arbitrary: fc.constantFrom(...known) });
  // `.` and `..` are dot segments: the client resolves them away and reaches another route.
  return fc.oneof(...arbs).filter((s) => s !== '.' && s !== '..');
}

/** Query parameter pairs: each named parameter absent, once (valid or not) or repeated; sometimes an unknown one. */
/** `known` values (ids that exist) are sent for the parameters they name, beside the rest. */
export function queryPairs(params: ReadonlyArray<{ name: string; schema: JsonSchema }>, known: Readonly<Record<string, readonly string[]>> = {}): fc.Arbitrary<Array<[string, string]>> {
  const text = (schema: JsonSchema) =>
    fc.oneof(
      (validValue(schema) as fc.Arbitrary<unknown>).map((v) => String(v)),
      (invalidValue(schema) as fc.Arbitrary<unknown>).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
      fc.constantFrom('', '1e400', '-1', '99999999999999999999', '0x10', '\u0000', 'a\u0000'),
    );
  const once = (p: { name: string; schema: JsonSchema }) => {
    const values = known[p.name] ?? [];
    return values.length ? fc.oneof({ weight: 1, arbitrary: text(p.schema) }, { weight: 2, arbitrary: fc.constantFrom(...values) }) : text(p.schema);
  };
  const one = (p: { name: string; schema: JsonSchema }) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 3, arbitrary: once(p).map((v) => [[p.name, v]] as Array<[string, string]>) },
      { weight: 1, arbitrary: fc.array(text(p.schema), { minLength: 2, maxLength: 3 }).map((vs) => vs.map((v) => [p.name, v] as [string, string])) },
    );
  const unknown = fc.option(fc.tuple(fc.constantFrom('unknown', 'async', 'limit', 'email'), fc.string({ maxLength: 8 })), { nil: undefined });
  return fc.tuple(fc.tuple(...params.map(one)), unknown).map(([lists, extra]) => [...lists.flat(), ...(extra ? [extra] : [])]);
}

/** `?a=1&a=2` with every name and value percent-encoded. */
export function queryString(pairs: ReadonlyArray<[string, string]>): string {
  if (!pairs.length) return '';
  return `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeText(v)}`).join('&')}`;
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its replacement. */
export function encodeText(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}
