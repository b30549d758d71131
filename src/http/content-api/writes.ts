import type { FastifyReply, RouteHandler } from 'fastify';
import type { AccessScope } from '../../core/access.js';
import { NotFoundError } from '../../core/errors.js';
import {
  createDocument,
  deleteDocument,
  deleteSingleDocument,
  updateDocument,
  upsertSingleDocument,
} from '../../core/documents/write.js';
import {
  access,
  body,
  collection,
  documentIdOf,
  typeNamed,
  type ContentApiDeps,
  type DocumentParams,
  type NameParams,
  queryOf,
} from './content-request.js';
import { eventContext } from '../event-context.js';
import { notAllowed } from './not-allowed.js';

/** POST /api/:name: a new document of a collection type (201). */
export function create(deps: ContentApiDeps): RouteHandler<{ Params: NameParams }> {
  const { core, auth } = deps;
  return async (request, reply) => {
    const type = typeNamed(core, request.params.name);
    if (type.kind === 'singleType') throw notAllowed(type, 'root');
    const scope = await access(auth, request, type, 'create');
    const document = await createDocument(core, type, {
      data: body(request),
      params: queryOf(request),
      access: scope,
      event: eventContext(request),
    });
    return reply.status(201).send({ data: document, meta: {} });
  };
}

/** PUT /api/:name/:documentId: changes a document of a collection type. */
export function update(deps: ContentApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core, auth } = deps;
  return async (request) => {
    const type = collection(core, request.params.name);
    const scope = await access(auth, request, type, 'update');
    const document = await updateDocument(core, type, documentIdOf(request.params), {
      data: body(request),
      params: queryOf(request),
      access: scope,
      event: eventContext(request),
    });
    if (!document) throw new NotFoundError();
    return { data: document, meta: {} };
  };
}

/** PUT /api/:name: writes a single type's document, creating it the first time. */
export function updateSingle(deps: ContentApiDeps): RouteHandler<{ Params: NameParams }> {
  const { core, auth } = deps;
  return async (request) => {
    const type = typeNamed(core, request.params.name);
    if (type.kind !== 'singleType') throw notAllowed(type, 'root');
    const scope = await access(auth, request, type, 'update');
    return {
      data: await upsertSingleDocument(core, type, {
        data: body(request),
        params: queryOf(request),
        access: scope,
        event: eventContext(request),
      }),
      meta: {},
    };
  };
}

/** DELETE /api/:name/:documentId. */
export function remove(deps: ContentApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core, auth } = deps;
  return async (request, reply: FastifyReply) => {
    const type = collection(core, request.params.name);
    const scope = await access(auth, request, type, 'delete');
    const deleted = await deleteDocument(core, type, documentIdOf(request.params), {
      params: queryOf(request),
      access: scope,
      event: eventContext(request),
    });
    return answerDelete(reply, deleted, scope);
  };
}

/** DELETE /api/:name: a single type's document. */
export function removeSingle(deps: ContentApiDeps): RouteHandler<{ Params: NameParams }> {
  const { core, auth } = deps;
  return async (request, reply: FastifyReply) => {
    const type = typeNamed(core, request.params.name);
    if (type.kind !== 'singleType') throw notAllowed(type, 'root');
    const scope = await access(auth, request, type, 'delete');
    const deleted = await deleteSingleDocument(core, type, {
      params: queryOf(request),
      access: scope,
      event: eventContext(request),
    });
    return answerDelete(reply, deleted, scope);
  };
}

/**
 * 204, as Strapi answers every DELETE, even of a document that does not exist (reference §1.5) —
 * except for a caller whose delete grant has conditions: a document outside them does not exist for
 * them, and like findOne and update they get a 404, for it and for a missing one alike (so the answer
 * never tells "exists, not yours" from "gone").
 */
function answerDelete(reply: FastifyReply, deleted: boolean, scope: AccessScope): FastifyReply {
  if (!deleted && scope.conditions !== undefined) throw new NotFoundError();
  return reply.status(204).send();
}
