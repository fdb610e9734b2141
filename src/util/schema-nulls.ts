/**
 * FusionAuth reads a JSON `null` as "not given" for every optional field. `nullMeansAbsent`
 * rewrites a JSON schema (a TypeBox one, say) so that each optional property also accepts
 * `null`, and marks that branch with the `nullMeansAbsent` keyword, which the one Ajv
 * (src/http/ajv.ts) implements by deleting the member while it validates: the handler and the
 * mapping then see the field as left out. Required properties, array items and free-form
 * records (`data`) are left as they are.
 *
 * The rewrite is memoised by identity, so a schema embedded in another (with its `$id`) stays
 * one object for Ajv however many schemas include it.
 */
import { isPlainObject } from './json-merge.js';

export const NULL_MEANS_ABSENT = 'nullMeansAbsent';

/** Keys whose values are data, not subschemas. */
const DATA_KEYS = new Set(['enum', 'const', 'default', 'examples', 'required']);

const rewritten = new WeakMap<object, Record<string, unknown>>();

export function nullMeansAbsent<T extends object>(schema: T): T {
  return rewrite(schema) as T;
}

/** The branch an optional property gains: `null`, removed on validation. */
export const ABSENT_NULL = Object.freeze({ type: 'null', [NULL_MEANS_ABSENT]: true });

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!isPlainObject(node)) return node;
  const done = rewritten.get(node);
  if (done) return done;
  const out: Record<string, unknown> = {};
  rewritten.set(node, out);
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYS.has(key)) out[key] = value;
    else if (key === 'properties' && isPlainObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => {
          const inner = rewrite(sub);
          return [name, required.has(name) ? inner : { anyOf: [inner, ABSENT_NULL] }];
        }),
      );
    } else out[key] = rewrite(value);
  }
  return out;
}
