import type { FastifyInstance } from 'fastify';
import { ADMIN_ACTIONS } from '../../admin/actions.js';
import { ADMIN_PREFIX, requireAdmin, type AdminApiDeps } from './context.js';

/** The cluster as this node sees it: nodes and their heartbeats, the leader and its fencing token, the bus. */
export function registerClusterRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(`${ADMIN_PREFIX}/cluster`, async (request, reply) => {
    await requireAdmin(deps, request, ADMIN_ACTIONS.cluster.read);
    reply.header('cache-control', 'no-store');
    return { data: await deps.cluster.status() };
  });
}
