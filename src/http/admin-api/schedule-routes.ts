import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { adminContentScope } from '../../accounts/ability.js';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import {
  cancelScheduledAction,
  getScheduledAction,
  listScheduledActions,
  scheduleAction,
} from '../../core/documents/scheduled-actions.js';
import { authorizeContent, requireOwn } from './content-access.js';
import { ADMIN_PREFIX, adminOf, idParam, parseBody, type AdminApiDeps } from './admin-request.js';

const scheduleBody = z.strictObject({
  uid: z.string().min(1),
  documentId: z.string().min(1).max(255),
  action: z.enum(['publish', 'unpublish']),
  at: z.union([z.string(), z.number()]),
});

/**
 * Scheduled publishing and unpublishing: the leader node carries each action out once, at or after its
 * time, whichever node is leader then (see workers/scheduler.ts). Scheduling and cancelling need what
 * the content manager's publish route needs on the document, decided by the same code
 * (content-access.ts): an Author (`admin::is-creator`) schedules and cancels only on documents they
 * created, and another admin's document is a 403. A list shows the actions on documents the admin may
 * read in the content manager (the same conditions, through the read grant): an Author sees the
 * schedule of their own documents only.
 */
export const scheduleRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const base = `${ADMIN_PREFIX}/scheduled-actions`;
  const { read, publish } = ADMIN_ACTIONS.content;

  app.get<{ Querystring: { uid?: string; documentId?: string; status?: string } }>(base, async (request) => {
    const { user, ability } = await adminOf(deps, request);
    const { uid, documentId, status } = request.query;
    if (uid !== undefined && !ability.can(read, uid)) throw new ForbiddenError();
    const visible = (actionUid: string) => adminContentScope(ability, user.id, read, actionUid);
    return { data: await listScheduledActions(deps.core, { uid, documentId, status }, { visible }) };
  });

  app.post(base, async (request, reply) => {
    const body = parseBody(scheduleBody, request.body);
    const { type, scope, actor } = await authorizeContent(deps, request, body.uid, publish);
    await requireOwn(deps.core, type, body.documentId, scope);
    const action = await scheduleAction(deps.core, body, { access: scope, actor });
    return reply.status(201).send({ data: action });
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const id = idParam(request.params.id, 'Scheduled action not found');
    const { user, ability } = await adminOf(deps, request);
    const action = await getScheduledAction(deps.core, id);
    if (!action) throw new NotFoundError('Scheduled action not found');
    const scope = adminContentScope(ability, user.id, publish, action.uid);
    if (!scope) throw new ForbiddenError();
    // An action whose type is gone can only fail when it comes due: whoever may publish on its uid
    // may cancel it (no document is left to say whose it was).
    const type = deps.core.schema().contentTypes.get(action.uid);
    if (type) await requireOwn(deps.core, type, action.documentId, scope);
    if (!(await cancelScheduledAction(deps.core, id)))
      throw new NotFoundError('Scheduled action is not pending');
    return { data: { ...action, status: 'cancelled' } };
  });
};
