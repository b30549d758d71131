import type { FastifyPluginAsync } from 'fastify';
import type { ContentApiDeps, DocumentParams, NameParams } from './content-request.js';
import { documentNotAllowed, rootNotAllowed } from './not-allowed.js';
import { find, findOne } from './reads.js';
import { create, remove, removeSingle, update, updateSingle } from './writes.js';

export type { ContentApiDeps } from './content-request.js';

/**
 * The Strapi v5 REST content API. Routes are generic (`/api/:name`) and resolve the type per request
 * from the current schema snapshot, so a type added at runtime answers at once, on every route.
 * Order of checks, as in Strapi: unknown route 404 → authentication 401 → permission 403 → input 400.
 * Reads are in reads.ts (through the response cache, cached-read.ts), writes in writes.ts.
 */
export const contentApiRoutes: FastifyPluginAsync<ContentApiDeps> = async (app, deps) => {
  const root = `${deps.restPrefix}/:name`;
  const document = `${root}/:documentId`;

  app.get<{ Params: NameParams }>(root, find(deps));
  app.get<{ Params: DocumentParams }>(document, findOne(deps));
  app.post<{ Params: NameParams }>(root, create(deps));
  app.put<{ Params: DocumentParams }>(document, update(deps));
  app.put<{ Params: NameParams }>(root, updateSingle(deps));
  app.delete<{ Params: DocumentParams }>(document, remove(deps));
  // Any other method on an existing route is a 405 that says what the route accepts, as Strapi answers.
  app.route<{ Params: NameParams }>({ method: ['PATCH'], url: root, handler: rootNotAllowed(deps) });
  app.route<{ Params: DocumentParams }>({
    method: ['POST', 'PATCH'],
    url: document,
    handler: documentNotAllowed(deps),
  });
  app.delete<{ Params: NameParams }>(root, removeSingle(deps));
};
