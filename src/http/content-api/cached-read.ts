import type { FastifyReply, FastifyRequest } from 'fastify';
import { readDependenciesOf, type QueryInput } from '../../core/documents/find.js';
import type { ContentType } from '../../core/schema/model.js';
import type { ContentApiDeps } from './content-request.js';

/**
 * Answers a read from the response cache, or renders it and keeps the answer. Access was checked
 * before (a cached answer is never a way around 401/403). Answers are shared by callers whose scopes
 * have the same `cacheKey` (a role at one permission version, a token kind, a user when conditions
 * name `$user`); a scope without one is never cached.
 */
export async function answerRead(
  deps: ContentApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  read: { type: ContentType; input: QueryInput; documentId?: string },
  render: () => Promise<string>,
): Promise<FastifyReply> {
  const { core, responses } = deps;
  const scopeKey = read.input.access?.cacheKey;
  if (!responses || scopeKey === undefined) return sendJson(reply, await render());
  if (bypassesCache(request)) {
    responses.bypassed();
    return sendJson(reply.header(CACHE_HEADER, 'bypass'), await render());
  }
  // The raw URL carries the route and the exact query; the schema version retires answers of a schema
  // that changed shape.
  const key = `${core.schema().version}|${scopeKey}|${request.raw.url}`;
  const hit = responses.get(key);
  if (hit !== undefined) return sendJson(reply.header(CACHE_HEADER, 'hit'), hit);
  const ticket = responses.ticket();
  const text = await render();
  responses.set(key, ticket, readDependenciesOf(core, read.type, read.input, read.documentId), text);
  return sendJson(reply.header(CACHE_HEADER, 'miss'), text);
}

/** Says whether an answer came from the response cache (`hit`), was stored (`miss`) or skipped it (`bypass`). */
const CACHE_HEADER = 'x-quorum-cache';

/**
 * `Cache-Control: no-cache` (or `no-store`, or `Pragma: no-cache`) on a request: the client wants an
 * answer read now, as from an HTTP cache. It is not stored either, so such reads cost what an uncached
 * read costs.
 */
function bypassesCache(request: FastifyRequest): boolean {
  const control = request.headers['cache-control'];
  if (control !== undefined && /no-(cache|store)/i.test(control)) return true;
  const pragma = request.headers.pragma;
  return pragma !== undefined && /no-cache/i.test(pragma);
}

/** A JSON body that is already text (or its bytes), with the content type Fastify gives the objects it serializes. */
function sendJson(reply: FastifyReply, body: string | Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}
