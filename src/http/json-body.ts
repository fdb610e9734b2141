/**
 * The JSON body parser every route shares. Before parsing it refuses (as BodyRefused, which
 * each dialect's error handler renders as its 400 or 422):
 * - nesting deeper than MAX_DEPTH (recursive merging and validation would overflow the stack);
 * - the NUL character in any string (PostgreSQL text cannot hold it; SQLite would, so the two
 *   back ends would disagree).
 * Parsing itself is Fastify's default (prototype-poisoning keys refused).
 */
import type { FastifyInstance } from 'fastify';

export const MAX_DEPTH = 64;

export class BodyRefused extends Error {
  readonly statusCode = 400;
  constructor(
    readonly problem: 'tooDeep' | 'nul',
    message: string,
  ) {
    super(message);
  }
}

/** Deepest nesting of objects/arrays in JSON text, scanned without recursion (stops past `limit`). */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestingDepth(text, MAX_DEPTH) > MAX_DEPTH) {
      return done(new BodyRefused('tooDeep', `The JSON body is nested more than ${MAX_DEPTH} levels deep.`), undefined);
    }
    // A NUL can only appear in valid JSON as the escape \u0000.
    if (/\\u0000/i.test(text)) {
      return done(new BodyRefused('nul', 'Text may not contain the NUL character (\\u0000).'), undefined);
    }
    parse(request, text, done);
  });
}
