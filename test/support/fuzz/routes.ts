/**
 * The routes under test, read from the running application's OpenAPI document
 * (`app.swagger()`), never from a list kept by hand: a route added to the app is fuzzed
 * without touching the tests. `$ref`s into the document's components are resolved, so each
 * route carries plain JSON schemas for its path parameters, query parameters and body.
 */
import type { FastifyInstance } from 'fastify';

export type JsonSchema = Record<string, any>;

export type Dialect = 'fusionauth' | 'vault' | 'plusauth' | 'other';

export interface RouteParameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Route {
  method: string;
  /** OpenAPI template, e.g. `/tenants/{tenant_id}/users/{user_id}`. */
  path: string;
  dialect: Dialect;
  pathParams: RouteParameter[];
  query: RouteParameter[];
  body: JsonSchema | undefined;
  /** Success statuses the document names; empty when it names only Fastify's default 200. */
  documentedSuccess: number[];
  label: string;
}

function resolver(doc: JsonSchema): (schema: unknown) => JsonSchema {
  const components: Record<string, JsonSchema> = doc.components?.schemas ?? {};
  const resolving = new Map<string, JsonSchema>();
  const resolve = (node: unknown): any => {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      const hit = resolving.get(name);
      if (hit) return hit;
      const out: JsonSchema = {};
      resolving.set(name, out);
      Object.assign(out, resolve(components[name] ?? {}));
      return out;
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

export function dialectOf(path: string): Dialect {
  if (path.startsWith('/api/')) return 'fusionauth';
  if (/^\/tenants\/[^/]+\/(settings(\/|$)|subscription$)/.test(path) || /^\/users(\/|$)/.test(path)) return 'plusauth';
  if (path.startsWith('/tenants/') || /^\/(clients?|sessions)(\/|$)/.test(path)) return 'vault';
  return 'other';
}

/** Every operation in the document, body schemas resolved. */
export function routesOf(app: FastifyInstance): Route[] {
  const doc = (app as unknown as { swagger(): JsonSchema }).swagger();
  const resolve = resolver(doc);
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries<Record<string, JsonSchema>>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      const parameters = resolve(op.parameters ?? []) as unknown as Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
      const param = (where: string) => parameters.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses: Record<string, { description?: string }> = op.responses ?? {};
      const success = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).map(Number);
      const onlyDefault = success.length === 1 && success[0] === 200 && responses['200']?.description === 'Default Response';
      routes.push({
        method: method.toUpperCase(),
        path,
        dialect: dialectOf(path),
        pathParams: param('path'),
        query: param('query'),
        body: body ? resolve(body) : undefined,
        documentedSuccess: onlyDefault ? [] : success,
        label: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return routes;
}
