import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ADMIN_ACTIONS } from '../../admin/actions.js';
import { NotFoundError } from '../../core/errors.js';
import {
  cancelScheduledAction,
  listScheduledActions,
  scheduleAction,
} from '../../workers/scheduled-actions.js';
import { ADMIN_PREFIX, idParam, parseBody, requireAdmin, type AdminApiDeps } from './context.js';

const scheduleBody = z.strictObject({
  uid: z.string().min(1),
  documentId: z.string().min(1).max(255),
  action: z.enum(['publish', 'unpublish']),
  at: z.union([z.string(), z.number()]),
});

/**
 * Scheduled publishing and unpublishing: the leader node carries each action out once, at or after its
 * time, whichever node is leader then (see workers/scheduler.ts).
 */
export function registerScheduleRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  const base = `${ADMIN_PREFIX}/scheduled-actions`;

  app.get<{ Querystring: { uid?: string; documentId?: string; status?: string } }>(base, async (request) => {
    await requireAdmin(deps, request, ADMIN_ACTIONS.content.read, request.query.uid);
    const { uid, documentId, status } = request.query;
    return { data: await listScheduledActions(deps.core, { uid, documentId, status }) };
  });

  app.post(base, async (request, reply) => {
    const body = parseBody(scheduleBody, request.body);
    await requireAdmin(deps, request, ADMIN_ACTIONS.content.publish, body.uid);
    return reply.status(201).send({ data: await scheduleAction(deps.core, body) });
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const id = idParam(request.params.id, 'Scheduled action not found');
    const [action] = (await listScheduledActions(deps.core)).filter((a) => a.id === id);
    if (!action) throw new NotFoundError('Scheduled action not found');
    await requireAdmin(deps, request, ADMIN_ACTIONS.content.publish, action.uid);
    if (!(await cancelScheduledAction(deps.core, id)))
      throw new NotFoundError('Scheduled action is not pending');
    return { data: { ...action, status: 'cancelled' } };
  });
}
