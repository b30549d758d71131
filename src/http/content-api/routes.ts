import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, ContentAction } from '../../auth/principal.js';
import type { AccessScope } from '../../core/access.js';
import type { CoreContext } from '../../core/context.js';
import { MethodNotAllowedError, NotFoundError, ValidationError } from '../../core/errors.js';
import {
  readDependenciesOf,
  renderDocument,
  renderDocuments,
  renderSingleDocument,
  type QueryInput,
} from '../../core/documents/find.js';
import type { ResponseCache } from '../../cache/response-cache.js';
import {
  createDocument,
  deleteDocument,
  deleteSingleDocument,
  updateDocument,
  upsertSingleDocument,
} from '../../core/documents/write.js';
import type { ContentType } from '../../core/schema/model.js';
import type { EventContext } from '../../core/documents/events.js';
import { currentTraceparent, validTraceparent } from '../../observability/trace-context.js';

export interface ContentApiDeps {
  readonly core: CoreContext;
  readonly auth: Authenticator;
  readonly prefix: string;
  /** Read answers kept in memory; absent when the cache is off. */
  readonly responses?: ResponseCache;
}

type NameParams = { name: string };
type DocumentParams = { name: string; documentId: string };

const MAX_DOCUMENT_ID_LENGTH = 255;

/**
 * The Strapi v5 REST content API. Routes are generic (`/api/:name`) and resolve the type per request
 * from the current schema snapshot, so a type added at runtime answers at once, on every route.
 * Order of checks, as in Strapi: unknown route 404 → authentication 401 → permission 403 → input 400.
 */
export function registerContentApi(app: FastifyInstance, deps: ContentApiDeps): void {
  const { core, auth, prefix, responses } = deps;

  async function access(
    request: FastifyRequest,
    type: ContentType,
    action: ContentAction,
  ): Promise<AccessScope> {
    const principal = await auth.authenticate(request.headers.authorization);
    return auth.authorize(principal, `${type.uid}.${action}`);
  }

  function typeNamed(name: string): ContentType {
    const type = core.schema().byRouteName(name);
    if (!type) throw new NotFoundError();
    return type;
  }

  function collection(name: string): ContentType {
    const type = typeNamed(name);
    if (type.kind !== 'collectionType') throw new NotFoundError();
    return type;
  }

  function documentIdOf(params: DocumentParams): string {
    if (params.documentId.length > MAX_DOCUMENT_ID_LENGTH) throw new NotFoundError();
    return params.documentId;
  }

  function body(request: FastifyRequest): unknown {
    const payload = request.body as { data?: unknown } | undefined;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new ValidationError('Missing "data" payload in the request body');
    }
    if (typeof payload.data !== 'object' || payload.data === null || Array.isArray(payload.data)) {
      throw new ValidationError('Missing "data" payload in the request body');
    }
    return payload.data;
  }

  /**
   * Answers a read from the response cache, or renders it and keeps the answer. Access was checked
   * before (a cached answer is never a way around 401/403). Answers are shared by callers whose scopes
   * have the same `cacheKey` (a role at one permission version, a token kind, a user when conditions
   * name `$user`); a scope without one is never cached.
   */
  async function answerRead(
    request: FastifyRequest,
    reply: FastifyReply,
    read: { type: ContentType; input: QueryInput; documentId?: string },
    render: () => Promise<string>,
  ): Promise<FastifyReply> {
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

  // Reads are answered with the JSON text the core renders (often written by the database itself), so
  // the documents are never built as objects only to be stringified here.
  app.get<{ Params: NameParams }>(`${prefix}/:name`, async (request, reply) => {
    const type = typeNamed(request.params.name);
    const scope = await access(request, type, 'find');
    const input = { params: request.query, cacheKey: rawQuery(request), access: scope };
    if (type.kind === 'singleType') {
      return answerRead(
        request,
        reply,
        { type, input },
        async () => `{"data":${await renderSingleDocument(core, type, input)},"meta":{}}`,
      );
    }
    return answerRead(request, reply, { type, input }, async () => {
      const { data, pagination } = await renderDocuments(core, type, input);
      return `{"data":${data},"meta":${JSON.stringify({ pagination })}}`;
    });
  });

  app.get<{ Params: DocumentParams }>(`${prefix}/:name/:documentId`, async (request, reply) => {
    const type = collection(request.params.name);
    const scope = await access(request, type, 'findOne');
    const documentId = documentIdOf(request.params);
    const input = { params: request.query, cacheKey: rawQuery(request), access: scope };
    return answerRead(request, reply, { type, input, documentId }, async () => {
      const document = await renderDocument(core, type, documentId, input);
      if (document === null) throw new NotFoundError();
      return `{"data":${document},"meta":{}}`;
    });
  });

  app.post<{ Params: NameParams }>(`${prefix}/:name`, async (request, reply) => {
    const type = typeNamed(request.params.name);
    if (type.kind === 'singleType') throw notAllowed(type, 'root');
    const scope = await access(request, type, 'create');
    const document = await createDocument(core, type, {
      data: body(request),
      params: request.query,
      access: scope,
      event: eventContext(request),
    });
    return reply.status(201).send({ data: document, meta: {} });
  });

  app.put<{ Params: DocumentParams }>(`${prefix}/:name/:documentId`, async (request) => {
    const type = collection(request.params.name);
    const scope = await access(request, type, 'update');
    const document = await updateDocument(core, type, documentIdOf(request.params), {
      data: body(request),
      params: request.query,
      access: scope,
      event: eventContext(request),
    });
    if (!document) throw new NotFoundError();
    return { data: document, meta: {} };
  });

  app.put<{ Params: NameParams }>(`${prefix}/:name`, async (request) => {
    const type = typeNamed(request.params.name);
    if (type.kind !== 'singleType') throw notAllowed(type, 'root');
    const scope = await access(request, type, 'update');
    return {
      data: await upsertSingleDocument(core, type, {
        data: body(request),
        params: request.query,
        access: scope,
        event: eventContext(request),
      }),
      meta: {},
    };
  });

  app.delete<{ Params: DocumentParams }>(
    `${prefix}/:name/:documentId`,
    async (request, reply: FastifyReply) => {
      const type = collection(request.params.name);
      const scope = await access(request, type, 'delete');
      await deleteDocument(core, type, documentIdOf(request.params), {
        params: request.query,
        access: scope,
        event: eventContext(request),
      });
      return reply.status(204).send();
    },
  );

  // Any other method on an existing route is a 405 that says what the route accepts, as Strapi answers.
  app.route<{ Params: NameParams }>({
    method: ['PATCH'],
    url: `${prefix}/:name`,
    handler: async (request) => {
      throw notAllowed(typeNamed(request.params.name), 'root');
    },
  });
  app.route<{ Params: DocumentParams }>({
    method: ['POST', 'PATCH'],
    url: `${prefix}/:name/:documentId`,
    handler: async (request) => {
      throw notAllowed(collection(request.params.name), 'document');
    },
  });

  app.delete<{ Params: NameParams }>(`${prefix}/:name`, async (request, reply: FastifyReply) => {
    const type = typeNamed(request.params.name);
    if (type.kind !== 'singleType') throw notAllowed(type, 'root');
    const scope = await access(request, type, 'delete');
    await deleteSingleDocument(core, type, {
      params: request.query,
      access: scope,
      event: eventContext(request),
    });
    return reply.status(204).send();
  });
}

/** The methods each content route accepts, for 405 answers and their Allow header. */
const ALLOWED = {
  collectionType: { root: ['GET', 'POST'], document: ['GET', 'PUT', 'DELETE'] },
  singleType: { root: ['GET', 'PUT', 'DELETE'], document: [] as string[] },
} as const;

function notAllowed(type: ContentType, route: 'root' | 'document'): MethodNotAllowedError {
  const allow = ALLOWED[type.kind][route];
  return new MethodNotAllowedError(`Method Not Allowed (this route accepts ${allow.join(', ')})`, allow);
}

/**
 * The request behind a write, for its events (webhook deliveries carry its id and trace): with tracing
 * on, the span serving this request; otherwise the caller's own `traceparent` (when valid), as it came.
 */
function eventContext(request: FastifyRequest): EventContext {
  const traceparent = currentTraceparent() ?? validTraceparent(request.headers.traceparent);
  return { requestId: request.id, traceparent };
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

/** The exact query string as sent: the key under which a parsed and compiled read plan is cached. */
function rawQuery(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

/** A JSON body that is already text (or its bytes), with the content type Fastify gives the objects it serializes. */
function sendJson(reply: FastifyReply, body: string | Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}
