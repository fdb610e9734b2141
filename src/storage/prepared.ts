/**
 * Queries on the login path, built with Kysely once and then only run.
 *
 * Building and compiling a Kysely query costs far more than SQLite takes to run a small one
 * (the lockout upsert: ~130 µs to build and compile, ~10 µs to run), and a login runs several.
 * A prepared query is built with named placeholders in place of its values, compiled once per
 * database handle, and from then on run with the values slotted into the compiled parameters.
 * The SQL text stays the same, so SQLite reuses its prepared statement (db/connect.ts) and
 * PostgreSQL runs it as a named statement, parsed and planned once per connection
 * (db/hot-statements.ts).
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './executor.js';
import { markHot } from '../db/hot-statements.js';

type Value = string | number | null;
type Slot = { name: string } | { constant: unknown };

const MARK = '\u0000tessera-placeholder:';

/**
 * `build` gets placeholders for every name in `names` and must use each where the query takes
 * a value (never as an identifier, in a list or in a limit Kysely writes into the SQL): a
 * placeholder found in the SQL text, or one left unused, is refused at the first compile.
 */
export function preparedQuery<P extends Record<string, Value>, Row>(
  names: readonly (keyof P & string)[],
  build: (db: Executor, p: P) => Compilable<Row>,
): (db: Executor, values: P) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<Executor, { query: CompiledQuery<Row>; slots: Slot[] }>();

  const compile = (db: Executor) => {
    const placeholders = Object.fromEntries(names.map((name) => [name, `${MARK}${name}`])) as unknown as P;
    const query = build(db, placeholders).compile();
    if (query.sql.includes(MARK)) throw new Error(`a placeholder was written into the SQL itself: ${query.sql}`);
    const slots: Slot[] = query.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) } : { constant: value },
    );
    const unused = names.filter((name) => !slots.some((slot) => 'name' in slot && slot.name === name));
    if (unused.length) throw new Error(`placeholders never used in the query: ${unused.join(', ')}`);
    markHot(query.sql);
    const entry = { query, slots };
    compiled.set(db, entry);
    return entry;
  };

  return async (db, values) => {
    const { query, slots } = compiled.get(db) ?? compile(db);
    const parameters = slots.map((slot) => ('name' in slot ? values[slot.name as keyof P] : slot.constant));
    return db.executeQuery<Row>({ ...query, parameters });
  };
}
