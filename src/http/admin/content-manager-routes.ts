import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contentAccess, contentScope } from '../../admin/ability.js';
import { ADMIN_ACTIONS } from '../../admin/actions.js';
import { FULL_ACCESS, type AccessScope } from '../../core/access.js';
import { findDocument, findDocuments, findSingleDocument } from '../../core/documents/find.js';
import { publishDocument, unpublishDocument } from '../../core/documents/publication.js';
import type { Document } from '../../core/documents/serialize.js';
import {
  createDocument,
  deleteDocument,
  updateDocument,
  upsertSingleDocument,
} from '../../core/documents/write.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import type { Schema } from '../../core/schema/registry.js';
import type { ContentType, Model } from '../../core/schema/model.js';
import { describeModel } from './content-type-routes.js';
import { ADMIN_PREFIX, adminOf, parseBody, type AdminApiDeps } from './context.js';

type UidParams = { uid: string };
type DocumentParams = { uid: string; documentId: string };

/** Where a document stands: never published, published as it is, or published with a newer draft. */
export type DocumentStatus = 'draft' | 'published' | 'modified';

const writeBody = z.object({ data: z.record(z.string(), z.unknown()) });
const bulkBody = z.strictObject({ documentIds: z.array(z.string().min(1).max(255)).min(1).max(100) });

/**
 * The content manager's server side: what the admin UI edits documents through. The content API
 * (`/api`) authenticates end users and API tokens, never admins, as in Strapi; these routes take the
 * admin's access token and check the content-manager permissions per type. They work on drafts (a
 * draft-and-publish type is published only by the publish routes), address types by uid (every type,
 * whatever its route name), read with every relation, component and dynamic zone populated (what an
 * edit form needs), and answer list rows with their status. Bodies and errors are the content API's.
 */
export function registerContentManagerRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  const { core } = deps;
  const base = `${ADMIN_PREFIX}/content-manager`;
  const actions = ADMIN_ACTIONS.content;

  /**
   * The type, the admin's actor id and the access scope of `action` on it, once they are known to hold
   * it: every document, or only those they created (the Author role's `admin::is-creator`).
   */
  async function authorize(request: FastifyRequest, uid: string, action: string) {
    const type = core.schema().contentTypes.get(uid);
    if (!type || uid.startsWith('plugin::') || uid.startsWith('admin::')) throw new NotFoundError();
    const principal = await adminOf(deps, request);
    const access = contentAccess(principal.ability, principal.user.id, action, uid);
    if (!access.allowed) throw new ForbiddenError();
    return {
      type,
      scope: contentScope(access),
      actor: { adminId: principal.user.id },
      event: { requestId: request.id },
    };
  }

  /**
   * For an admin limited to their own documents, a document that exists but is not theirs is a 403, as
   * in Strapi's content manager (its permission checker runs on the loaded document and answers
   * Forbidden), while a missing one stays a 404, so the UI can tell "not yours" from "gone". Only the
   * status comes from here: the operation that follows applies the condition in its own SQL.
   */
  async function requireOwn(type: ContentType, documentId: string, scope: AccessScope): Promise<void> {
    if (scope === FULL_ACCESS) return;
    const params = draftParams(type, { fields: ['documentId'] });
    if (await findDocument(core, type, documentId, { params, access: scope })) return;
    if (await findDocument(core, type, documentId, { params, access: FULL_ACCESS }))
      throw new ForbiddenError('This document belongs to another admin');
  }

  function collection(type: ContentType): ContentType {
    if (type.kind !== 'collectionType') throw new NotFoundError();
    return type;
  }

  const draftParams = (type: ContentType, extra: Record<string, unknown> = {}) => ({
    ...extra,
    ...(type.draftAndPublish ? { status: 'draft' } : {}),
  });
  /** The draft, fully populated (a type without relations or components needs no populate). */
  const editParams = (type: ContentType) => {
    const populate = deepPopulate(core.schema(), type);
    return draftParams(type, Object.keys(populate).length ? { populate } : {});
  };

  // The schema the edit forms need, for any admin (the builder's routes need the builder's permission,
  // which editors do not have): the content types the admin may read, and every component.
  app.get(`${base}/content-types`, async (request) => {
    const { ability } = await adminOf(deps, request);
    const types = [...core.schema().contentTypes.values()].filter(
      (t) => t.uid.startsWith('api::') && ability.can(actions.read, t.uid),
    );
    return { data: types.map(describeModel) };
  });
  app.get(`${base}/components`, async (request) => {
    await adminOf(deps, request);
    return { data: [...core.schema().components.values()].map(describeModel) };
  });

  app.get<{ Params: UidParams }>(`${base}/collection-types/:uid`, async (request) => {
    const { type, scope } = await authorize(request, request.params.uid, actions.read);
    collection(type);
    const query = isPlainObject(request.query) ? request.query : {};
    const { data, pagination } = await findDocuments(core, type, {
      params: draftParams(type, query),
      access: scope,
    });
    return { data: await withStatus(type, data), meta: { pagination } };
  });

  app.post<{ Params: UidParams }>(`${base}/collection-types/:uid`, async (request, reply) => {
    const { type, scope, actor, event } = await authorize(request, request.params.uid, actions.create);
    collection(type);
    const { data } = parseBody(writeBody, request.body);
    // The new document's created_by_id is the actor, so it is inside an Author's scope.
    const created = await createDocument(core, type, {
      data,
      params: editParams(type),
      access: scope,
      actor,
      event,
    });
    return reply.status(201).send({ data: created, meta: { status: await statusOf(type, created) } });
  });

  app.get<{ Params: DocumentParams }>(`${base}/collection-types/:uid/:documentId`, async (request) => {
    const { type, scope } = await authorize(request, request.params.uid, actions.read);
    collection(type);
    await requireOwn(type, request.params.documentId, scope);
    const document = await findDocument(core, type, request.params.documentId, {
      params: editParams(type),
      access: scope,
    });
    if (!document) throw new NotFoundError();
    return { data: document, meta: { status: await statusOf(type, document) } };
  });

  app.put<{ Params: DocumentParams }>(`${base}/collection-types/:uid/:documentId`, async (request) => {
    const { type, scope, actor, event } = await authorize(request, request.params.uid, actions.update);
    collection(type);
    const { data } = parseBody(writeBody, request.body);
    await requireOwn(type, request.params.documentId, scope);
    const updated = await updateDocument(core, type, request.params.documentId, {
      data,
      params: editParams(type),
      access: scope,
      actor,
      event,
    });
    if (!updated) throw new NotFoundError();
    return { data: updated, meta: { status: await statusOf(type, updated) } };
  });

  app.delete<{ Params: DocumentParams }>(`${base}/collection-types/:uid/:documentId`, async (request) => {
    const { type, scope, event } = await authorize(request, request.params.uid, actions.delete);
    collection(type);
    await requireOwn(type, request.params.documentId, scope);
    await deleteDocument(core, type, request.params.documentId, { params: {}, access: scope, event });
    return { data: { documentId: request.params.documentId } };
  });

  for (const verb of ['publish', 'unpublish'] as const) {
    app.post<{ Params: DocumentParams }>(
      `${base}/collection-types/:uid/:documentId/${verb}`,
      async (request) => {
        const { type, scope, event } = await authorize(request, request.params.uid, actions.publish);
        await requireOwn(collection(type), request.params.documentId, scope);
        return publication(type, request.params.documentId, verb, scope, event);
      },
    );
    app.post<{ Params: UidParams }>(`${base}/single-types/:uid/${verb}`, async (request) => {
      const { type, scope, event } = await authorize(request, request.params.uid, actions.publish);
      const current = await single(type, scope);
      if (!current) throw new NotFoundError();
      return publication(type, current.documentId as string, verb, scope, event);
    });
  }

  // Bulk actions of the list view: each document on its own, so one failure (a draft that does not
  // validate for publishing) does not undo the others; the answer says which failed and why.
  for (const [verb, action] of [
    ['publish', actions.publish],
    ['unpublish', actions.publish],
    ['delete', actions.delete],
  ] as const) {
    app.post<{ Params: UidParams }>(`${base}/collection-types/:uid/actions/bulk-${verb}`, async (request) => {
      const { type, scope, event } = await authorize(request, request.params.uid, action);
      collection(type);
      const { documentIds } = parseBody(bulkBody, request.body);
      const failed: { documentId: string; message: string }[] = [];
      let count = 0;
      for (const documentId of documentIds) {
        try {
          await requireOwn(type, documentId, scope);
          if (verb === 'delete')
            await deleteDocument(core, type, documentId, { params: {}, access: scope, event });
          else await publication(type, documentId, verb, scope, event);
          count++;
        } catch (err) {
          failed.push({ documentId, message: (err as Error).message });
        }
      }
      return { data: { count, failed } };
    });
  }

  app.get<{ Params: UidParams }>(`${base}/single-types/:uid`, async (request) => {
    const { type, scope } = await authorize(request, request.params.uid, actions.read);
    const document = await single(type, scope);
    return { data: document, meta: { status: document ? await statusOf(type, document) : 'draft' } };
  });

  app.put<{ Params: UidParams }>(`${base}/single-types/:uid`, async (request) => {
    const { type, scope, actor, event } = await authorize(request, request.params.uid, actions.update);
    const { data } = parseBody(writeBody, request.body);
    await single(type, scope);
    const document = await upsertSingleDocument(core, type, {
      data,
      params: editParams(type),
      access: scope,
      actor,
      event,
    });
    return { data: document, meta: { status: await statusOf(type, document) } };
  });

  /** The single type's document within the admin's scope; null when there is none yet; 403 when not theirs. */
  async function single(type: ContentType, scope: AccessScope): Promise<Document | null> {
    if (type.kind !== 'singleType') throw new NotFoundError();
    const find = async (access: AccessScope) => {
      try {
        return await findSingleDocument(core, type, { params: editParams(type), access });
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    };
    const document = await find(scope);
    if (!document && scope !== FULL_ACCESS && (await find(FULL_ACCESS)))
      throw new ForbiddenError('This document belongs to another admin');
    return document;
  }

  async function publication(
    type: ContentType,
    documentId: string,
    verb: 'publish' | 'unpublish',
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

  /** The status of each draft in a list: one query for the published versions of the whole page. */
  async function withStatus(type: ContentType, drafts: Document[]) {
    if (!type.draftAndPublish) return drafts.map((d) => ({ ...d, status: 'published' as DocumentStatus }));
    const ids = drafts.map((d) => d.documentId as string);
    const published = ids.length
      ? (
          await findDocuments(core, type, {
            params: {
              status: 'published',
              fields: ['publishedAt'],
              filters: { documentId: { $in: ids } },
              pagination: { pageSize: ids.length, withCount: false },
            },
            access: FULL_ACCESS,
          })
        ).data
      : [];
    const publishedAt = new Map(published.map((d) => [d.documentId as string, d.publishedAt as string]));
    return drafts.map((d) => ({ ...d, status: status(d, publishedAt.get(d.documentId as string)) }));
  }

  async function statusOf(type: ContentType, draft: Document): Promise<DocumentStatus> {
    return (await withStatus(type, [draft]))[0].status;
  }
}

function status(draft: Document, publishedAt: string | undefined): DocumentStatus {
  if (publishedAt === undefined) return 'draft';
  // Publishing stamps the published row after the draft's last write; a later draft write is newer.
  return Date.parse(draft.updatedAt as string) > Date.parse(publishedAt) ? 'modified' : 'published';
}

/**
 * A populate that reaches everything an edit form shows: relations and media (one level), components
 * and dynamic-zone entries with their own relations and nested components.
 */
export function deepPopulate(schema: Schema, model: Model, depth = 0): Record<string, unknown> {
  const populate: Record<string, unknown> = {};
  const nested = (uid: string): unknown => {
    const component = schema.components.get(uid);
    const inner = component && depth < 5 ? deepPopulate(schema, component, depth + 1) : {};
    return Object.keys(inner).length === 0 ? true : { populate: inner };
  };
  for (const attribute of model.attributes.values()) {
    if (attribute.private) continue;
    if (attribute.kind === 'relation' || attribute.kind === 'media') populate[attribute.name] = true;
    else if (attribute.kind === 'component') populate[attribute.name] = nested(attribute.component);
    else if (attribute.kind === 'dynamiczone')
      populate[attribute.name] = {
        on: Object.fromEntries(
          attribute.components.map((uid) => {
            const inner = nested(uid);
            return [uid, inner === true ? { populate: '*' } : inner];
          }),
        ),
      };
  }
  return populate;
}
