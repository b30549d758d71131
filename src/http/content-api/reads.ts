import type { RouteHandler } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import { renderDocument, renderDocuments, renderSingleDocument } from '../../core/documents/find.js';
import { answerRead } from './cached-read.js';
import {
  access,
  collection,
  documentIdOf,
  rawQuery,
  typeNamed,
  type ContentApiDeps,
  type DocumentParams,
  type NameParams,
  listQueryOf,
  queryOf,
} from './content-request.js';

// Reads are answered with the JSON text the core renders (often written by the database itself), so
// the documents are never built as objects only to be stringified here.

/** GET /api/:name: a page of a collection type's documents, or a single type's document. */
export function find(deps: ContentApiDeps): RouteHandler<{ Params: NameParams }> {
  const { core, auth } = deps;
  return async (request, reply) => {
    const type = typeNamed(core, request.params.name);
    const scope = await access(auth, request, type, 'find');
    const params = type.kind === 'singleType' ? queryOf(request) : listQueryOf(request);
    const input = { params, cacheKey: rawQuery(request), access: scope };
    if (type.kind === 'singleType') {
      return answerRead(
        deps,
        request,
        reply,
        { type, input },
        async () => `{"data":${await renderSingleDocument(core, type, input)},"meta":{}}`,
      );
    }
    return answerRead(deps, request, reply, { type, input }, async () => {
      const { data, pagination } = await renderDocuments(core, type, input);
      return `{"data":${data},"meta":${JSON.stringify({ pagination })}}`;
    });
  };
}

/** GET /api/:name/:documentId: one document of a collection type. */
export function findOne(deps: ContentApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core, auth } = deps;
  return async (request, reply) => {
    const type = collection(core, request.params.name);
    const scope = await access(auth, request, type, 'findOne');
    const documentId = documentIdOf(request.params);
    const input = { params: queryOf(request), cacheKey: rawQuery(request), access: scope };
    return answerRead(deps, request, reply, { type, input, documentId }, async () => {
      const document = await renderDocument(core, type, documentId, input);
      if (document === null) throw new NotFoundError();
      return `{"data":${document},"meta":{}}`;
    });
  };
}
