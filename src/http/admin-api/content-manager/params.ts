import type { FastifyRequest } from 'fastify';
import type { CoreContext } from '../../../core/context.js';
import { NotFoundError } from '../../../core/errors.js';
import type { Schema } from '../../../core/schema/registry.js';
import type { ContentType, Model } from '../../../core/schema/model.js';
import { authorizeContent } from '../content-access.js';
import type { AdminApiDeps } from '../admin-request.js';

export type UidParams = { uid: string };
export type DocumentParams = { uid: string; documentId: string };

/** authorizeContent (content-access.ts) of `action` on the type the route's `:uid` names. */
export function authorize(
  deps: AdminApiDeps,
  request: FastifyRequest<{ Params: UidParams }>,
  action: string,
) {
  return authorizeContent(deps, request, request.params.uid, action);
}

/** The type, for routes only collection types have (404 for a single type). */
export function collection(type: ContentType): ContentType {
  if (type.kind !== 'collectionType') throw new NotFoundError();
  return type;
}

/** Query params that address the draft (of a draft-and-publish type), with `extra`. */
export const draftParams = (type: ContentType, extra: Record<string, unknown> = {}) => ({
  ...extra,
  ...(type.draftAndPublish ? { status: 'draft' } : {}),
});

/** The draft, fully populated (a type without relations or components needs no populate). */
export const editParams = (core: CoreContext, type: ContentType) => {
  const populate = deepPopulate(core.schema(), type);
  return draftParams(type, Object.keys(populate).length ? { populate } : {});
};

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
