import type { FastifyInstance } from 'fastify';
import { ADMIN_ACTIONS } from '../../admin/actions.js';
import { ValidationError } from '../../core/errors.js';
import type { MediaLibrary } from '../../media/library.js';
import { ADMIN_PREFIX, requireAdmin, type AdminApiDeps } from './context.js';

/**
 * GET /admin/api/upload/orphans: files no entry uses, older than the grace period (`upload.orphanGraceMs`
 * unless `?graceMs=` asks for another), oldest first — what the leader's cleanup will remove.
 */
export function registerMediaAdminRoutes(
  app: FastifyInstance,
  deps: AdminApiDeps,
  media: MediaLibrary,
): void {
  app.get<{ Querystring: { graceMs?: unknown; limit?: unknown } }>(
    `${ADMIN_PREFIX}/upload/orphans`,
    async (request, reply) => {
      await requireAdmin(deps, request, ADMIN_ACTIONS.media.read);
      const graceMs = count(request.query.graceMs, 'graceMs') ?? deps.config.upload.orphanGraceMs;
      const limit = Math.min(count(request.query.limit, 'limit') ?? 100, 1000);
      reply.header('cache-control', 'no-store');
      return { data: await media.orphans(graceMs, limit), meta: { graceMs } };
    },
  );
}

function count(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))
    throw new ValidationError(`${name} must be a non-negative integer`, { key: name, source: 'query' });
  return Number(raw);
}
