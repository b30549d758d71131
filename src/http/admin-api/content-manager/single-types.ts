import type { RouteHandler } from 'fastify';
import { ADMIN_ACTIONS } from '../../../accounts/actions.js';
import { FULL_ACCESS, type AccessScope } from '../../../core/access.js';
import type { CoreContext } from '../../../core/context.js';
import { findSingleDocument } from '../../../core/documents/find.js';
import type { Document } from '../../../core/documents/serialize.js';
import { upsertSingleDocument } from '../../../core/documents/write.js';
import { ForbiddenError, NotFoundError } from '../../../core/errors.js';
import type { ContentType } from '../../../core/schema/model.js';
import { parseBody, type AdminApiDeps } from '../admin-request.js';
import { writeBody } from './bodies.js';
import { authorize, editParams, type UidParams } from './params.js';
import { statusOf } from './status.js';

const actions = ADMIN_ACTIONS.content;

/** GET …/single-types/:uid: the draft (null before the first write) and its status. */
export function find(deps: AdminApiDeps): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope } = await authorize(deps, request, actions.read);
    const document = await single(core, type, scope);
    return {
      data: document,
      meta: { status: document ? await statusOf(core, type, document) : 'draft' },
    };
  };
}

/** PUT …/single-types/:uid: writes the draft, creating the document the first time. */
export function update(deps: AdminApiDeps): RouteHandler<{ Params: UidParams }> {
  const { core } = deps;
  return async (request) => {
    const { type, scope, actor, event } = await authorize(deps, request, actions.update);
    const { data } = parseBody(writeBody, request.body);
    await single(core, type, scope);
    const document = await upsertSingleDocument(core, type, {
      data,
      params: editParams(core, type),
      access: scope,
      actor,
      event,
    });
    return { data: document, meta: { status: await statusOf(core, type, document) } };
  };
}

/** The single type's document within the admin's scope; null when there is none yet; 403 when not theirs. */
export async function single(
  core: CoreContext,
  type: ContentType,
  scope: AccessScope,
): Promise<Document | null> {
  if (type.kind !== 'singleType') throw new NotFoundError();
  const find = async (access: AccessScope) => {
    try {
      return await findSingleDocument(core, type, { params: editParams(core, type), access });
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  };
  const document = await find(scope);
  if (!document && scope.conditions !== undefined && (await find(FULL_ACCESS)))
    throw new ForbiddenError('This document belongs to another admin');
  return document;
}
