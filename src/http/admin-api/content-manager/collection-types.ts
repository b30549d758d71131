import type { RouteHandler } from 'fastify';
import { ADMIN_ACTIONS } from '../../../accounts/actions.js';
import { findDocument, findDocuments } from '../../../core/documents/find.js';
import { createDocument, deleteDocument, updateDocument } from '../../../core/documents/write.js';
import { NotFoundError } from '../../../core/errors.js';
import { isPlainObject } from '../../../core/query/raw.js';
import { requireOwn } from '../content-access.js';
import { parseBody, type AdminApiDeps } from '../admin-request.js';
import { writeBody } from './bodies.js';
import {
  authorize,
  collection,
  draftParams,
  editParams,
  type DocumentParams,
  type UidParams,
} from './params.js';
import { statusOf, withStatus } from './status.js';

const actions = ADMIN_ACTIONS.content;

/** GET …/collection-types/:uid: a page of drafts, each with its status. */
export function list(deps: AdminApiDeps): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope } = await authorize(deps, request, actions.read);
    collection(type);
    const query = isPlainObject(request.query) ? request.query : {};
    const { data, pagination } = await findDocuments(core, type, {
      params: draftParams(type, query),
      access: scope,
    });
    return { data: await withStatus(core, type, data), meta: { pagination } };
  };
}

/** POST …/collection-types/:uid: a new draft (201). */
export function create(deps: AdminApiDeps): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request, reply) => {
    const { type, scope, actor, event } = await authorize(deps, request, actions.create);
    collection(type);
    const { data } = parseBody(writeBody, request.body);
    // The new document's created_by_id is the actor, so it is inside an Author's scope.
    const created = await createDocument(core, type, {
      data,
      params: editParams(core, type),
      access: scope,
      actor,
      event,
    });
    return reply.status(201).send({ data: created, meta: { status: await statusOf(core, type, created) } });
  };
}

/** GET …/collection-types/:uid/:documentId: the draft, fully populated. */
export function findOne(deps: AdminApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope } = await authorize(deps, request, actions.read);
    collection(type);
    await requireOwn(core, type, request.params.documentId, scope);
    const document = await findDocument(core, type, request.params.documentId, {
      params: editParams(core, type),
      access: scope,
    });
    if (!document) throw new NotFoundError();
    return { data: document, meta: { status: await statusOf(core, type, document) } };
  };
}

/** PUT …/collection-types/:uid/:documentId: writes the draft. */
export function update(deps: AdminApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, actor, event } = await authorize(deps, request, actions.update);
    collection(type);
    const { data } = parseBody(writeBody, request.body);
    await requireOwn(core, type, request.params.documentId, scope);
    const updated = await updateDocument(core, type, request.params.documentId, {
      data,
      params: editParams(core, type),
      access: scope,
      actor,
      event,
    });
    if (!updated) throw new NotFoundError();
    return { data: updated, meta: { status: await statusOf(core, type, updated) } };
  };
}

/** DELETE …/collection-types/:uid/:documentId. */
export function remove(deps: AdminApiDeps): RouteHandler<{ Params: DocumentParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, event } = await authorize(deps, request, actions.delete);
    collection(type);
    await requireOwn(core, type, request.params.documentId, scope);
    await deleteDocument(core, type, request.params.documentId, { params: {}, access: scope, event });
    return { data: { documentId: request.params.documentId } };
  };
}
