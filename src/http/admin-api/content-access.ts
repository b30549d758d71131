import type { FastifyRequest } from 'fastify';
import { adminContentScope } from '../../accounts/ability.js';
import { FULL_ACCESS, type AccessScope } from '../../core/access.js';
import type { CoreContext } from '../../core/context.js';
import { findDocument } from '../../core/documents/find.js';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import type { ContentType } from '../../core/schema/model.js';
import { adminOf, type AdminApiDeps } from './admin-request.js';

/**
 * How the admin API decides a content-manager action on a document: the content manager's routes and
 * the scheduled-action routes both go through here, so they cannot disagree.
 */

/**
 * The type, the admin's actor id and the access scope of `action` on it, once they are known to hold
 * it: every document, or only those they created (the Author role's `admin::is-creator`).
 */
export async function authorizeContent(
  deps: AdminApiDeps,
  request: FastifyRequest,
  uid: string,
  action: string,
) {
  const type = deps.core.schema().contentTypes.get(uid);
  if (!type || uid.startsWith('plugin::') || uid.startsWith('admin::')) throw new NotFoundError();
  const principal = await adminOf(deps, request);
  const scope = adminContentScope(principal.ability, principal.user.id, action, uid);
  if (!scope) throw new ForbiddenError();
  return {
    type,
    scope,
    principal,
    actor: { adminId: principal.user.id },
    event: { requestId: request.id },
  };
}

/**
 * For an admin limited to their own documents, a document that exists but is not theirs is a 403, as
 * in Strapi's content manager (its permission checker runs on the loaded document and answers
 * Forbidden), while a missing one stays a 404 for the operation that follows, so the UI can tell "not
 * yours" from "gone". Only the status comes from here: the operation that follows applies the
 * condition in its own SQL.
 */
export async function requireOwn(
  core: CoreContext,
  type: ContentType,
  documentId: string,
  scope: AccessScope,
): Promise<void> {
  if (scope.conditions === undefined) return;
  const params = { fields: ['documentId'], ...(type.draftAndPublish ? { status: 'draft' } : {}) };
  if (await findDocument(core, type, documentId, { params, access: scope })) return;
  if (await findDocument(core, type, documentId, { params, access: FULL_ACCESS }))
    throw new ForbiddenError('This document belongs to another admin');
}
