import type { RouteHandler } from 'fastify';
import { ADMIN_ACTIONS } from '../../../accounts/actions.js';
import type { AccessScope } from '../../../core/access.js';
import type { CoreContext } from '../../../core/context.js';
import { publishDocument, unpublishDocument } from '../../../core/documents/publication.js';
import { deleteDocument } from '../../../core/documents/write.js';
import { NotFoundError, ValidationError } from '../../../core/errors.js';
import type { ContentType } from '../../../core/schema/model.js';
import { requireOwn } from '../content-access.js';
import { parseBody, type AdminApiDeps } from '../admin-request.js';
import { bulkBody } from './bodies.js';
import { authorize, collection, type DocumentParams, type UidParams } from './params.js';
import { single } from './single-types.js';

export type Verb = 'publish' | 'unpublish';
const actions = ADMIN_ACTIONS.content;

/** POST …/collection-types/:uid/:documentId/{publish,unpublish}. */
export function publishOne(deps: AdminApiDeps, verb: Verb): RouteHandler<{ Params: DocumentParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, event } = await authorize(deps, request, actions.publish);
    await requireOwn(core, collection(type), request.params.documentId, scope);
    return publication(core, type, request.params.documentId, verb, scope, event);
  };
}

/** POST …/single-types/:uid/{publish,unpublish}. */
export function publishSingle(deps: AdminApiDeps, verb: Verb): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, event } = await authorize(deps, request, actions.publish);
    const current = await single(core, type, scope);
    if (!current) throw new NotFoundError();
    return publication(core, type, current.documentId as string, verb, scope, event);
  };
}

/**
 * POST …/collection-types/:uid/actions/bulk-{publish,unpublish,delete}: the list view's bulk actions.
 * Each document on its own, so one failure (a draft that does not validate for publishing) does not
 * undo the others; the answer says which failed and why.
 */
export function bulk(
  deps: AdminApiDeps,
  verb: Verb | 'delete',
  action: string,
): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, event } = await authorize(deps, request, action);
    collection(type);
    const { documentIds } = parseBody(bulkBody, request.body);
    const failed: { documentId: string; message: string }[] = [];
    let count = 0;
    for (const documentId of documentIds) {
      try {
        await requireOwn(core, type, documentId, scope);
        if (verb === 'delete')
          await deleteDocument(core, type, documentId, { params: {}, access: scope, event });
        else await publication(core, type, documentId, verb, scope, event);
        count++;
      } catch (err) {
        failed.push({ documentId, message: (err as Error).message });
      }
    }
    return { data: { count, failed } };
  };
}

async function publication(
  core: CoreContext,
  type: ContentType,
  documentId: string,
  verb: Verb,
  access: AccessScope,
  event: { requestId: string },
) {
  if (!type.draftAndPublish) throw new ValidationError(`${type.uid} has no draft and publish`);
  const result =
    verb === 'publish'
      ? await publishDocument(core, type, documentId, { access, event })
      : await unpublishDocument(core, type, documentId, { access, event });
  if (!result) throw new NotFoundError(verb === 'publish' ? 'No draft to publish' : 'Not published');
  return { data: result, meta: { status: verb === 'publish' ? 'published' : 'draft' } };
}
