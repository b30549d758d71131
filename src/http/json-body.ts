import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { UnsupportedMediaTypeError, ValidationError } from '../core/errors.js';

/**
 * The JSON body parser: an empty body is "no body" (the Strapi SDK sends Content-Type: application/json
 * on DELETE), prototype-poisoning keys are refused, and nesting deeper than the limit is a 400 rather
 * than a stack overflow in a later recursive walk.
 */
export function registerJsonParser(app: FastifyInstance, maxDepth: number): void {
  // Fastify's built-in text/plain parser would hand a string to the routes (a misleading 400 about the
  // "data" payload): the content API reads JSON only, so a body of any other type is 415 — but an empty
  // one is no body at all (fetch labels `body: ''` text/plain, e.g. on DELETE).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    const type = req.headers['content-type'];
    done(
      new UnsupportedMediaTypeError(
        type
          ? 'Unsupported Content-Type: send application/json'
          : 'Missing Content-Type: send application/json',
      ),
      undefined,
    );
  });
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'string' },
    (_req, body, done) => {
      const text = (body as string).trim();
      if (text === '') return done(null, undefined);
      let parsed: unknown;
      try {
        parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
      } catch {
        return done(
          new ValidationError('Invalid JSON in request body', undefined, 'QUORUM_INVALID_JSON'),
          undefined,
        );
      }
      if (depthExceeds(parsed, maxDepth)) {
        return done(
          new ValidationError(
            `Request body is nested too deeply (at most ${maxDepth} levels)`,
            undefined,
            'QUORUM_JSON_TOO_DEEP',
          ),
          undefined,
        );
      }
      done(null, parsed);
    },
  );
}

// Iterative, so a hostile body cannot overflow the stack while we measure it.
function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
