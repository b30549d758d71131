import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../../accounts/actions.js';
import { ADMIN_PREFIX, type AdminApiDeps } from '../admin-request.js';
import * as collectionTypes from './collection-types.js';
import type { DocumentParams, UidParams } from './params.js';
import { bulk, publishOne, publishSingle } from './publication.js';
import { components, contentTypes } from './schema.js';
import * as singleTypes from './single-types.js';

/**
 * The content manager's server side: what the admin UI edits documents through. The content API
 * (`/api`) authenticates end users and API tokens, never admins, as in Strapi; these routes take the
 * admin's access token and check the content-manager permissions per type. They work on drafts (a
 * draft-and-publish type is published only by the publish routes), address types by uid (every type,
 * whatever its route name), read with every relation, component and dynamic zone populated (what an
 * edit form needs), and answer list rows with their status. Bodies and errors are the content API's.
 */
export const contentManagerRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const base = `${ADMIN_PREFIX}/content-manager`;
  const collection = `${base}/collection-types/:uid`;
  const actions = ADMIN_ACTIONS.content;

  app.get(`${base}/content-types`, contentTypes(deps));
  app.get(`${base}/components`, components(deps));

  app.get<{ Params: UidParams }>(collection, collectionTypes.list(deps));
  app.post<{ Params: UidParams }>(collection, collectionTypes.create(deps));
  app.get<{ Params: DocumentParams }>(`${collection}/:documentId`, collectionTypes.findOne(deps));
  app.put<{ Params: DocumentParams }>(`${collection}/:documentId`, collectionTypes.update(deps));
  app.delete<{ Params: DocumentParams }>(`${collection}/:documentId`, collectionTypes.remove(deps));

  for (const verb of ['publish', 'unpublish'] as const) {
    app.post<{ Params: DocumentParams }>(`${collection}/:documentId/${verb}`, publishOne(deps, verb));
    app.post<{ Params: UidParams }>(`${base}/single-types/:uid/${verb}`, publishSingle(deps, verb));
  }
  for (const [verb, action] of [
    ['publish', actions.publish],
    ['unpublish', actions.publish],
    ['delete', actions.delete],
  ] as const) {
    app.post<{ Params: UidParams }>(`${collection}/actions/bulk-${verb}`, bulk(deps, verb, action));
  }

  app.get<{ Params: UidParams }>(`${base}/single-types/:uid`, singleTypes.find(deps));
  app.put<{ Params: UidParams }>(`${base}/single-types/:uid`, singleTypes.update(deps));
};
