/**
 * The tenant fuzz's cases: malformed, mistyped and out-of-range FusionAuth tenant bodies for
 * POST /api/tenant, POST /api/tenant/{id}, PUT and PATCH /api/tenant/{id}, from a seed. Every
 * generated case is invalid under tenant-schema.ts / core/tenants/rules.ts whatever the base it
 * is applied to; fields the API accepts and ignores (unknown properties, `null` members) are
 * deliberately not mutated. Field kinds come from the schema (tenant-fields.ts).
 */
import { GENERATOR_TYPES } from '../../../src/core/tenants/settings.js';
import { type Rng } from './rng.js';
import { type Field, type Kind, generatorNames, plainTtlNames, tenantFields } from './tenant-fields.js';

export const BODY_LIMIT = 1024 * 1024;
/** Random (non-structural) cases per group; the structural ones come on top. */
export const RANDOM_CASES = { post: 55, postWithId: 25, put: 40, patch: 45 };

export type Method = 'POST' | 'PUT' | 'PATCH';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface FuzzCase {
  label: string;
  method: Method;
  path: string;
  /** Sent as JSON. */
  body?: Json;
  /** Sent as is (content type application/json unless `headers` say otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** The exact status expected; 400 unless stated. */
  status: number;
  /** A fieldErrors key the 400 must carry (the field the mutation broke). */
  field?: string;
}

export interface Context {
  rng: Rng;
  /** Unique per case, so no rejection is a duplicate name. */
  freshName: () => string;
  targetId: string;
  /** Name of a tenant that exists (not the target): for duplicate-name cases. */
  otherName: string;
  /** A signing key that exists. */
  existingKeyId: string;
  /** A valid tenant body with (nearly) every field set; checked valid by the control requests. */
  richTenant: (name?: string) => JsonObject;
}

const INT32 = 2147483647;
const FIELDS: Field[] = tenantFields();
const GENERATORS = generatorNames(FIELDS);
const EXT_TTLS = plainTtlNames(FIELDS);
if (GENERATORS.length < 6 || EXT_TTLS.length < 10) throw new Error(`the tenant schema was not read as expected: ${GENERATORS.length} generators, ${EXT_TTLS.length} lifetimes`);

/** Strings ajv-formats refuses as `uuid` (checked; note that `urn:uuid:…` and upper case pass). */
const BAD_UUIDS = [
  'nope', 'not-a-uuid', '1234', '', '00000000000000000000000000000000', '{6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10}',
  '6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a1', '6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10x', ' 6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10',
  '6b2dd4b4-8b1c-4b5e-9b1d-3d1e1b1c1a10 ', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '6b2dd4b48b1c-4b5e-9b1d-3d1e1b1c1a10',
];
const BAD_EMAILS = ['not-an-email', 'a@', '@b.com', '', 'a b@c.com', 'user@localhost', 'jared@@piedpiper.com'];
const BAD_URIS = ['not a url', '', 'example.com/logout', '//no-scheme/x', 'http://exa mple.com', ':foo', '1http://x'];
const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e400', 'undefined', 'null', '0x10', '12abc', ' 5 ', ''];
const NOT_STRINGS: Json[] = [0, 42, -1.5, 1e300, true, false, {}, { value: 'x' }, [], ['a']];
const NOT_BOOLEANS: Json[] = ['true', 'false', 'yes', '', 0, 1, -1, 0.5, {}, { enabled: true }, [], [true]];
const NOT_OBJECTS: Json[] = ['object', '', 0, 1, -7, 1.5, 1e300, true, false, [], [{}], [1, 2, 3]];
const NOT_NUMBERS: Json[] = [...NAN_LIKE, '10', '-1', true, false, {}, { value: 1 }, [], [1], [1, 2]];
const FRACTIONS = [0.5, 1.5, -2.25, 3.14159, 1e-7, 99.99, 600.5, 65535.5];

/** A value the schema refuses for this kind (never null: FusionAuth reads null as "not given"). */
function badValue(rng: Rng, kind: Kind): { value: Json; why: string } {
  switch (kind.t) {
    case 'int': {
      const bucket = rng.int(0, 4);
      if (bucket === 0) return { value: rng.pick(NOT_NUMBERS), why: 'not a number' };
      if (bucket === 1) return { value: rng.pick(FRACTIONS), why: 'a fraction' };
      if (bucket === 2) {
        const below = [kind.min - 1, -1, -kind.min - rng.int(1, 1000), -2147483648, -1e300].filter((v) => v < kind.min);
        return { value: rng.pick(below), why: 'below the minimum' };
      }
      const above = [kind.max + 1, kind.max + rng.int(1, 100000), kind.max * 2, 1e300, 1e16].filter((v) => v > kind.max);
      return { value: rng.pick(above), why: 'above the maximum' };
    }
    case 'bool':
      return { value: rng.pick(NOT_BOOLEANS), why: 'not a boolean' };
    case 'str': {
      const options: Array<{ value: Json; why: string }> = [
        { value: rng.pick(NOT_STRINGS), why: 'not a string' },
        { value: 'x'.repeat(kind.max + 1 + rng.int(0, 50)), why: `longer than ${kind.max}` },
      ];
      if (kind.min) options.push({ value: '', why: 'empty' });
      return rng.pick(options);
    }
    case 'uuid':
      return rng.chance(0.75) ? { value: rng.pick(BAD_UUIDS), why: 'not a UUID' } : { value: rng.pick(NOT_STRINGS), why: 'not a string' };
    case 'enum': {
      const first = rng.pick(kind.values);
      const strings = [first.toLowerCase(), first.toUpperCase(), `${first} `, ` ${first}`, 'UNKNOWN', 'salted-md5', '', `${first}s`].filter(
        (s) => !kind.values.includes(s),
      );
      const options: Array<{ value: Json; why: string }> = [
        { value: rng.pick(strings), why: 'not one of the values' },
        { value: rng.pick([0, 1, 2, -1, kind.values.length]), why: 'a number for an enum' },
        { value: rng.pick<Json>([true, false, {}, [first], [], { value: first }]), why: 'not a string' },
      ];
      return rng.pick(options);
    }
    case 'email':
      return rng.pick([
        { value: rng.pick(BAD_EMAILS), why: 'not an email' },
        { value: rng.pick(NOT_STRINGS), why: 'not a string' },
        { value: `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(20)}.com`, why: 'longer than 320' },
      ]);
    case 'uri':
      return rng.pick([
        { value: rng.pick(BAD_URIS), why: 'not a URI' },
        { value: rng.pick(NOT_STRINGS), why: 'not a string' },
        { value: `https://example.com/${'a'.repeat(kind.max)}`, why: `longer than ${kind.max}` },
      ]);
    case 'obj':
      return { value: rng.pick(NOT_OBJECTS), why: 'not an object' };
    case 'strOrRecord':
      return rng.pick([
        { value: rng.pick<Json>([0, 25, 1.5, true, false, [], ['mail.debug=true']]), why: 'neither a string nor an object' },
        { value: 'p'.repeat(kind.max + 1), why: `longer than ${kind.max}` },
      ]);
    case 'arr':
      // A PATCH merges an object into the stored array as a new object: still not an array.
      return { value: rng.pick<Json>(['policies', 0, true, {}, { connectorId: rng.uuid() }]), why: 'not an array' };
  }
}

function setPath(target: JsonObject, path: readonly string[], value: Json): void {
  let node: JsonObject = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[path[path.length - 1]!] = value;
}

const fieldKey = (path: readonly string[]) => `tenant.${path.join('.')}`;

/** One mutated tenant object, before it is wrapped in a request body. */
interface TenantMutation {
  label: string;
  tenant: JsonObject;
  field?: string;
}

/** A single field of a valid tenant set to a value the schema refuses. */
function typeMutation(ctx: Context, name: string | undefined): TenantMutation {
  const { rng } = ctx;
  const field = rng.pick(FIELDS);
  const { value, why } = badValue(rng, field.kind);
  // The rich base is a complete valid tenant; the minimal one is just a name.
  const rich = rng.chance(0.4);
  const tenant: JsonObject = rich ? ctx.richTenant(name) : name === undefined ? {} : { name };
  setPath(tenant, field.path, value);
  return { label: `${field.path.join('.')} ${why}: ${preview(value)} (${rich ? 'rich' : 'minimal'} base)`, tenant, field: fieldKey(field.path) };
}

/** Values of the right type that break a documented range or rule (core/tenants/rules.ts, schema bounds). */
function ruleMutation(ctx: Context): TenantMutation {
  const { rng } = ctx;
  const ext = 'externalIdentifierConfiguration';
  const rules: Array<() => TenantMutation> = [
    () => {
      const v = rng.pick([601, 602, 700, 3600, 86400, INT32, rng.int(601, 100000)]);
      return { label: `authorizationGrantIdTimeToLiveInSeconds ${v} > 600`, tenant: { [ext]: { authorizationGrantIdTimeToLiveInSeconds: v } }, field: `tenant.${ext}.authorizationGrantIdTimeToLiveInSeconds` };
    },
    () => {
      const v = rng.pick([0, -1, -600]);
      return { label: `authorizationGrantIdTimeToLiveInSeconds ${v}`, tenant: { [ext]: { authorizationGrantIdTimeToLiveInSeconds: v } }, field: `tenant.${ext}.authorizationGrantIdTimeToLiveInSeconds` };
    },
    () => {
      // Within the schema's 1–1024 but outside the bounds of the generator's type.
      const generator = rng.pick(GENERATORS);
      const type = rng.pick(GENERATOR_TYPES);
      const length = type === 'randomBytes'
        ? rng.pick([rng.int(1, 15), rng.int(129, 1024), 15, 129])
        : rng.pick([rng.int(1, 3), rng.int(13, 1024), 3, 13, 16, 32, 128]);
      return { label: `${generator} ${type} of length ${length}`, tenant: { [ext]: { [generator]: { type, length } } }, field: `tenant.${ext}.${generator}.length` };
    },
    () => {
      const generator = rng.pick(GENERATORS);
      const type = rng.pick(GENERATOR_TYPES);
      const length = rng.pick([0, -1, 1025, 4096, 1e300, 2.5]);
      return { label: `${generator} ${type} of length ${length} (outside 1–1024)`, tenant: { [ext]: { [generator]: { type, length } } }, field: `tenant.${ext}.${generator}.length` };
    },
    () => {
      const minLength = rng.int(2, 4096);
      const maxLength = rng.int(1, minLength - 1);
      return { label: `minLength ${minLength} > maxLength ${maxLength}`, tenant: { passwordValidationRules: { minLength, maxLength } }, field: 'tenant.passwordValidationRules.maxLength' };
    },
    () => {
      // Defaults are 8–256; the target tenant's are 10–64.
      const minLength = rng.int(257, 4096);
      return { label: `minLength ${minLength} above the maximum length in force`, tenant: { passwordValidationRules: { minLength } }, field: 'tenant.passwordValidationRules.maxLength' };
    },
    () => {
      const maxLength = rng.int(1, 7);
      return { label: `maxLength ${maxLength} below the minimum length in force`, tenant: { passwordValidationRules: { maxLength } }, field: 'tenant.passwordValidationRules.maxLength' };
    },
    () => {
      const maxLength = rng.int(1, 2);
      return {
        label: `requireMixedCase and requireNumber in maxLength ${maxLength}`,
        tenant: { passwordValidationRules: { minLength: 1, maxLength, requireMixedCase: true, requireNumber: true } },
        field: 'tenant.passwordValidationRules.maxLength',
      };
    },
    () => {
      const port = rng.pick([0, -1, -25, 65536, 70000, 99999, INT32, rng.int(65536, 10_000_000)]);
      return { label: `port ${port}`, tenant: { emailConfiguration: { port } }, field: 'tenant.emailConfiguration.port' };
    },
    () => {
      const flags = rng.pick<JsonObject>([{ verifyEmail: true }, { verifyEmailWhenChanged: true }, { verifyEmail: true, verifyEmailWhenChanged: true }]);
      const others: JsonObject = rng.chance(0.5) ? { forgotPasswordEmailTemplateId: rng.uuid(), setPasswordEmailTemplateId: rng.uuid() } : {};
      return {
        label: `${Object.keys(flags).join('+')} without verificationEmailTemplateId`,
        tenant: { emailConfiguration: { ...flags, ...others } },
        field: 'tenant.emailConfiguration.verificationEmailTemplateId',
      };
    },
    () => ({
      label: 'userDeletePolicy.unverified.enabled without numberOfDaysToRetain',
      tenant: { userDeletePolicy: { unverified: { enabled: true } } },
      field: 'tenant.userDeletePolicy.unverified.numberOfDaysToRetain',
    }),
    () => {
      const which = rng.pick(['accessTokenKeyId', 'idTokenKeyId', 'both'] as const);
      const jwt: JsonObject =
        which === 'both' ? { accessTokenKeyId: rng.uuid(), idTokenKeyId: rng.uuid() }
        : which === 'accessTokenKeyId' ? { accessTokenKeyId: rng.uuid(), idTokenKeyId: ctx.existingKeyId }
        : { accessTokenKeyId: ctx.existingKeyId, idTokenKeyId: rng.uuid() };
      return {
        label: `signing key that does not exist (${which})`,
        tenant: { jwtConfiguration: jwt },
        field: `tenant.jwtConfiguration.${which === 'both' ? 'accessTokenKeyId' : which}`,
      };
    },
    () => ({
      label: 'breach detection NotifyUser without notifyUserEmailTemplateId',
      tenant: { passwordValidationRules: { breachDetection: { enabled: true, onLogin: 'NotifyUser' } } },
      field: 'tenant.passwordValidationRules.breachDetection.notifyUserEmailTemplateId',
    }),
    () => {
      const repeated = rng.uuid();
      const policies: Json[] = [{ connectorId: repeated }];
      const extra = rng.int(0, 3);
      for (let i = 0; i < extra; i++) policies.push({ connectorId: rng.uuid(), domains: ['example.com'] });
      policies.push({ connectorId: repeated, migrate: true });
      return { label: 'the same connector twice', tenant: { connectorPolicies: policies }, field: `tenant.connectorPolicies[${policies.length - 1}].connectorId` };
    },
    () => {
      const issuer = rng.pick(['   ', '\t', ' \n ']);
      return { label: `blank issuer ${JSON.stringify(issuer)}`, tenant: { issuer }, field: 'tenant.issuer' };
    },
    () => {
      const host = rng.pick(['   ', '\t', ' \n ']);
      return { label: `blank SMTP host ${JSON.stringify(host)}`, tenant: { emailConfiguration: { host } }, field: 'tenant.emailConfiguration.host' };
    },
    () => {
      const policy = rng.pick<{ label: string; value: Json; field: string }>([
        { label: 'connector policy without connectorId', value: [{ domains: ['example.com'] }], field: 'tenant.connectorPolicies[0].connectorId' },
        { label: 'connector policy not an object', value: [rng.pick<Json>(['policy', 5, true, [], [rng.uuid()]])], field: 'tenant.connectorPolicies[0]' },
        { label: 'connector domains not an array', value: [{ connectorId: rng.uuid(), domains: rng.pick<Json>(['example.com', 5, {}, true]) }], field: 'tenant.connectorPolicies[0].domains' },
        { label: 'connector domain not a string', value: [{ connectorId: rng.uuid(), domains: [rng.pick<Json>([5, true, {}, ['a.com']])] }], field: 'tenant.connectorPolicies[0].domains[0]' },
        { label: 'connector domain longer than 255', value: [{ connectorId: rng.uuid(), domains: [`${'d'.repeat(256)}.com`] }], field: 'tenant.connectorPolicies[0].domains[0]' },
        { label: 'connector migrate not a boolean', value: [{ connectorId: rng.uuid(), migrate: rng.pick(NOT_BOOLEANS) }], field: 'tenant.connectorPolicies[0].migrate' },
        { label: 'connector id not a UUID', value: [{ connectorId: rng.pick(BAD_UUIDS) }], field: 'tenant.connectorPolicies[0].connectorId' },
        { label: '101 connector policies', value: Array.from({ length: 101 }, () => ({ connectorId: rng.uuid() })), field: 'tenant.connectorPolicies' },
        { label: '1001 domains', value: [{ connectorId: rng.uuid(), domains: Array.from({ length: 1001 }, (_, i) => `d${i}.example.com`) }], field: 'tenant.connectorPolicies[0].domains' },
      ]);
      return { label: policy.label, tenant: { connectorPolicies: policy.value }, field: policy.field };
    },
    () => {
      // Event types are a closed list (additionalProperties: false under events).
      const event = rng.pick(['user.unknown', 'user.created', 'USER.CREATE', 'jwt', 'user.create ']);
      return { label: `unknown event type ${JSON.stringify(event)}`, tenant: { eventConfiguration: { events: { [event]: { enabled: true, transactionType: 'None' } } } }, field: `tenant.eventConfiguration.events.${event}` };
    },
    () => {
      const value = rng.pick([1.5, -1, 0, '5', 1e300]);
      return { label: `every TTL at once is ${preview(value)}`, tenant: { [ext]: Object.fromEntries(EXT_TTLS.map((f) => [f, value])) }, field: `tenant.${ext}.${rng.pick(EXT_TTLS)}` };
    },
  ];
  return rng.pick(rules)();
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…(${text.length} chars)` : text;
}

/** Bodies that are not JSON, or JSON of the wrong shape. Each carries a unique name. */
function structuralCases(ctx: Context, method: Method, path: string): FuzzCase[] {
  const { rng } = ctx;
  const name = ctx.freshName();
  const valid = JSON.stringify({ tenant: { name } });
  const q = JSON.stringify(name);
  const cases: FuzzCase[] = [];
  const raw = (label: string, rawBody: string, extra: Partial<FuzzCase> = {}) => cases.push({ label, method, path, rawBody, status: 400, ...extra });

  // Each run sends a seeded sample of each family, so that different seeds cover all of them.
  // Non-object bodies.
  for (const body of rng.sample(['[]', `[${valid}]`, q, '42', '-1.5', 'null', 'true', 'false', '"{}"', '1e300'], 5)) raw(`body is ${body.slice(0, 40)}`, body);
  // `tenant` not an object. A null tenant is "not given": for PATCH no change (valid), for
  // POST and PUT a missing name.
  const tenants: string[] = ['[]', `[{"name":${q}}]`, q, '0', '17', 'true', 'false', '""'];
  for (const t of rng.sample(tenants, 4)) raw(`tenant is ${t.slice(0, 40)}`, `{"tenant":${t}}`, { field: 'tenant' });
  if (method !== 'PATCH') raw('tenant is null (not given)', '{"tenant":null}', { field: 'tenant.name' });

  // Malformed JSON text.
  for (let i = 0; i < 2; i++) {
    const full = JSON.stringify({ tenant: { name: ctx.freshName(), httpSessionMaxInactiveInterval: 600, emailConfiguration: { port: 587 } } });
    const cut = rng.int(1, full.length - 1);
    raw(`truncated after ${cut} of ${full.length} characters`, full.slice(0, cut));
  }
  const n = () => JSON.stringify(ctx.freshName());
  const uuidText = JSON.stringify(rng.uuid());
  const malformed: Array<[string, string]> = [
    ['empty body', ''],
    ['whitespace only', '  \n '],
    ['trailing comma in an object', `{"tenant":{"name":${n()},}}`],
    ['trailing comma in an array', `{"tenant":{"name":${n()},"connectorPolicies":[{"connectorId":${uuidText}},]}}`],
    ['NaN literal', `{"tenant":{"name":${n()},"httpSessionMaxInactiveInterval":NaN}}`],
    ['Infinity literal', `{"tenant":{"name":${n()},"emailConfiguration":{"port":Infinity}}}`],
    ['undefined literal', `{"tenant":{"name":${n()},"logoutURL":undefined}}`],
    ['single quotes', `{'tenant':{'name':'Single ${rng.int(0, 1e9)}'}}`],
    ['unquoted keys', `{tenant:{name:${n()}}}`],
    ['block comment', `{"tenant":{"name":${n()} /* comment */}}`],
    ['line comment', `// comment\n{"tenant":{"name":${n()}}}`],
    ['hex number', `{"tenant":{"name":${n()},"emailConfiguration":{"port":0x19}}}`],
    ['leading zero', `{"tenant":{"name":${n()},"emailConfiguration":{"port":025}}}`],
    ['leading plus', `{"tenant":{"name":${n()},"emailConfiguration":{"port":+25}}}`],
    ['raw newline inside a string', `{"tenant":{"name":"Line\nbreak ${rng.int(0, 1e9)}"}}`],
    ['invalid escape', `{"tenant":{"name":"Bad \\x41 escape ${rng.int(0, 1e9)}"}}`],
    ['two top-level values', `{"tenant":{"name":${n()}}}{}`],
    ['missing colon', `{"tenant" {"name":${n()}}}`],
    ['extra closing brace', `{"tenant":{"name":${n()}}}}`],
    ['unterminated string', `{"tenant":{"name":"Unterminated ${rng.int(0, 1e9)}}}`],
    ['capitalised True', `{"tenant":{"name":${n()},"emailConfiguration":{"verifyEmail":True}}}`],
    ['Python None', `{"tenant":{"name":${n()},"logoutURL":None}}`],
    ['XML', `<tenant><name>Xml ${rng.int(0, 1e9)}</name></tenant>`],
    ['form encoding sent as JSON', `tenant[name]=Form+${rng.int(0, 1e9)}`],
  ];
  for (const [label, body] of rng.sample(malformed, 12)) raw(`malformed JSON: ${label}`, body);

  // Well-formed JSON whose numbers fall outside the ranges once parsed.
  const numbers: Array<[string, string, string]> = [
    ['1e400 parses to Infinity', `"emailConfiguration":{"port":1e400}`, 'tenant.emailConfiguration.port'],
    ['-1e400 parses to -Infinity', `"httpSessionMaxInactiveInterval":-1e400`, 'tenant.httpSessionMaxInactiveInterval'],
    ['-0 is not greater than 0', `"jwtConfiguration":{"timeToLiveInSeconds":-0}`, 'tenant.jwtConfiguration.timeToLiveInSeconds'],
    ['23-digit integer', `"familyConfiguration":{"maximumChildAge":12345678901234567890123}`, 'tenant.familyConfiguration.maximumChildAge'],
    ['0.0 is not greater than 0', `"minimumPasswordAge":{"seconds":0.0}`, 'tenant.minimumPasswordAge.seconds'],
    ['8.0000001 is not an integer', `"passwordValidationRules":{"minLength":8.0000001}`, 'tenant.passwordValidationRules.minLength'],
  ];
  for (const [label, member, field] of rng.sample(numbers, 3)) raw(label, `{"tenant":{"name":${n()},${member}}}`, { field });

  // Prototype poisoning (Fastify refuses both by default).
  raw('__proto__ key', `{"tenant":{"name":${n()},"__proto__":{"name":"Polluted"}}}`);
  raw('constructor.prototype key', `{"tenant":{"name":${n()},"constructor":{"prototype":{"isAdmin":true}}}}`);

  // Very deep nesting: refused by the body parser (past 64 levels) before any field is read, so
  // these are general [invalidJSON] errors, not field errors.
  for (const depth of [1000, 20000]) {
    raw(`name is an array nested ${depth} deep`, `{"tenant":{"name":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
  }
  for (const depth of [1000, 10000, 100000]) {
    raw(`port is an object nested ${depth} deep`, `{"tenant":{"name":${n()},"emailConfiguration":{"port":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}}`);
  }
  raw('data (free-form) nested 10000 deep', `{"tenant":{"name":${n()},"data":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}}`);
  raw('body is an array nested 50000 deep', `${'['.repeat(50000)}${']'.repeat(50000)}`);
  raw('tenant is an array nested 50000 deep', `{"tenant":${'['.repeat(50000)}${']'.repeat(50000)}}`);

  // PostgreSQL text cannot hold NUL; both back ends refuse it alike.
  raw('name containing NUL', `{"tenant":{"name":"nul \\u0000 name ${rng.int(0, 1e9)}"}}`);
  raw('data value containing NUL', `{"tenant":{"name":${n()},"data":{"k":"a\\u0000b"}}}`);

  // Long names (the column and the schema stop at 191 characters, counted in code points).
  const longNames = [192, 256, 1000, 200_000].map((length) => {
    const prefix = `Long ${rng.int(0, 1e9)} `;
    return { label: `name of ${length} characters`, name: prefix + 'n'.repeat(length - prefix.length) };
  });
  longNames.push({ label: 'name of 192 emoji (191 is the limit in code points)', name: '\u{1F600}'.repeat(192) });
  for (const long of rng.sample(longNames, 3)) cases.push({ label: long.label, method, path, body: { tenant: { name: long.name } }, status: 400, field: 'tenant.name' });

  // A content type the server has no parser for.
  raw('valid JSON sent as application/x-www-form-urlencoded', JSON.stringify({ tenant: { name: ctx.freshName() } }), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 });

  // Over the 1 MiB body limit: refused before parsing.
  const head = `{"tenant":{"name":${n()},"data":{"blob":"`;
  const tail = '"}}}';
  raw('body of 1 MiB + 1 byte', head + 'b'.repeat(BODY_LIMIT + 1 - head.length - tail.length) + tail, { status: 413 });
  if (method === 'POST') raw('body of 3 MiB', head + 'b'.repeat(3 * BODY_LIMIT) + tail, { status: 413 });
  return cases;
}

/** Wraps a mutated tenant into a request of this method. */
function wrap(method: Method, path: string, m: TenantMutation): FuzzCase {
  return { label: m.label, method, path, body: { tenant: m.tenant }, status: 400, ...(m.field ? { field: m.field } : {}) };
}

function randomCase(ctx: Context, method: Method, path: string): FuzzCase {
  const { rng } = ctx;
  // A PATCH need not carry a name; POST and PUT must, and get a fresh one.
  const name = method === 'PATCH' && rng.chance(0.5) ? undefined : ctx.freshName();
  if (rng.chance(0.55)) return wrap(method, path, typeMutation(ctx, name));
  const m = ruleMutation(ctx);
  if (name !== undefined && !('name' in m.tenant)) m.tenant = { name, ...m.tenant };
  return wrap(method, path, m);
}

export function postCases(ctx: Context): FuzzCase[] {
  const { rng } = ctx;
  const cases = structuralCases(ctx, 'POST', '/api/tenant');
  const add = (label: string, body: Json, field?: string) => cases.push({ label, method: 'POST', path: '/api/tenant', body, status: 400, ...(field ? { field } : {}) });
  add('no tenant at all', {}, 'tenant.name');
  add('tenant without a name', { tenant: { httpSessionMaxInactiveInterval: 60 } }, 'tenant.name');
  add('blank name', { tenant: { name: '' } }, 'tenant.name');
  add('whitespace name', { tenant: { name: ' \t\n ' } }, 'tenant.name');
  add('null name', { tenant: { name: null } }, 'tenant.name');
  add('copy of an existing tenant without a name', { sourceTenantId: ctx.targetId }, 'tenant.name');
  add('name of an existing tenant', { tenant: { name: ctx.otherName } }, 'tenant.name');
  add('id of an existing tenant', { tenant: { name: ctx.freshName(), id: ctx.targetId } }, 'tenant.id');
  add('sourceTenantId that does not exist', { sourceTenantId: rng.uuid(), tenant: { name: ctx.freshName() } }, 'sourceTenantId');
  add('sourceTenantId not a UUID', { sourceTenantId: rng.pick(BAD_UUIDS), tenant: { name: ctx.freshName() } }, 'sourceTenantId');
  add('sourceTenantId not a string', { sourceTenantId: rng.pick(NOT_STRINGS), tenant: { name: ctx.freshName() } }, 'sourceTenantId');
  add('webhookIds not an array', { webhookIds: rng.uuid(), tenant: { name: ctx.freshName() } }, 'webhookIds');
  add('webhookIds entry not a UUID', { webhookIds: [rng.pick(BAD_UUIDS)], tenant: { name: ctx.freshName() } }, 'webhookIds[0]');
  add('eventInfo not an object', { eventInfo: 'info', tenant: { name: ctx.freshName() } }, 'eventInfo');
  for (let i = 0; i < RANDOM_CASES.post; i++) cases.push(randomCase(ctx, 'POST', '/api/tenant'));
  return cases;
}

export function postWithIdCases(ctx: Context): FuzzCase[] {
  const { rng } = ctx;
  const cases: FuzzCase[] = [];
  for (const id of ['not-a-uuid', '12345', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', rng.uuid().replace(/-/g, ''), `${rng.uuid()}0`, rng.uuid().slice(1)]) {
    cases.push({ label: `path id ${id} is not a UUID`, method: 'POST', path: `/api/tenant/${id}`, body: { tenant: { name: ctx.freshName() } }, status: 400, field: 'tenantId' });
  }
  cases.push({ label: 'path id of an existing tenant', method: 'POST', path: `/api/tenant/${ctx.targetId}`, body: { tenant: { name: ctx.freshName() } }, status: 400, field: 'tenant.id' });
  cases.push({ label: 'path id given, tenant without a name', method: 'POST', path: `/api/tenant/${rng.uuid()}`, body: { tenant: {} }, status: 400, field: 'tenant.name' });
  for (let i = 0; i < RANDOM_CASES.postWithId; i++) cases.push(randomCase(ctx, 'POST', `/api/tenant/${rng.uuid()}`));
  return cases;
}

export function putCases(ctx: Context): FuzzCase[] {
  const { rng } = ctx;
  const path = `/api/tenant/${ctx.targetId}`;
  const cases = structuralCases(ctx, 'PUT', path);
  const add = (label: string, body: Json, field?: string) => cases.push({ label, method: 'PUT', path, body, status: 400, ...(field ? { field } : {}) });
  add('no tenant at all', {}, 'tenant.name');
  add('tenant without a name (PUT replaces)', { tenant: { httpSessionMaxInactiveInterval: 60 } }, 'tenant.name');
  add('blank name', { tenant: { name: '' } }, 'tenant.name');
  add('whitespace name', { tenant: { name: '   ' } }, 'tenant.name');
  add('null name', { tenant: { name: null } }, 'tenant.name');
  add('rename onto an existing name', { tenant: { name: ctx.otherName } }, 'tenant.name');
  add('sourceTenantId not a UUID', { sourceTenantId: rng.pick(BAD_UUIDS), tenant: { name: ctx.freshName() } }, 'sourceTenantId');
  add('webhookIds entry not a UUID', { webhookIds: [rng.uuid(), rng.pick(BAD_UUIDS)], tenant: { name: ctx.freshName() } }, 'webhookIds[1]');
  add('eventInfo not an object', { eventInfo: [1, 2], tenant: { name: ctx.freshName() } }, 'eventInfo');
  for (const id of ['not-a-uuid', '12345', rng.uuid().replace(/-/g, '')]) {
    cases.push({ label: `path id ${id} is not a UUID`, method: 'PUT', path: `/api/tenant/${id}`, body: { tenant: { name: ctx.freshName() } }, status: 404 });
  }
  for (let i = 0; i < RANDOM_CASES.put; i++) cases.push(randomCase(ctx, 'PUT', path));
  return cases;
}

export function patchCases(ctx: Context): FuzzCase[] {
  const path = `/api/tenant/${ctx.targetId}`;
  const cases = structuralCases(ctx, 'PATCH', path);
  const add = (label: string, body: Json, field?: string) => cases.push({ label, method: 'PATCH', path, body, status: 400, ...(field ? { field } : {}) });
  add('blank name', { tenant: { name: '' } }, 'tenant.name');
  add('whitespace name', { tenant: { name: '  \t ' } }, 'tenant.name');
  add('rename onto an existing name', { tenant: { name: ctx.otherName } }, 'tenant.name');
  add('verifyEmail on a tenant without a verification template', { tenant: { emailConfiguration: { verifyEmail: true } } }, 'tenant.emailConfiguration.verificationEmailTemplateId');
  add('minLength above the stored maxLength', { tenant: { passwordValidationRules: { minLength: 65 } } }, 'tenant.passwordValidationRules.maxLength');
  add('maxLength below the stored minLength', { tenant: { passwordValidationRules: { maxLength: 9 } } }, 'tenant.passwordValidationRules.maxLength');
  for (const id of ['not-a-uuid', '12345']) {
    cases.push({ label: `path id ${id} is not a UUID`, method: 'PATCH', path: `/api/tenant/${id}`, body: { tenant: { httpSessionMaxInactiveInterval: 5 } }, status: 404 });
  }
  for (let i = 0; i < RANDOM_CASES.patch; i++) cases.push(randomCase(ctx, 'PATCH', path));
  return cases;
}
