import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { ValidationError } from '../../core/errors.js';
import { checkInfo, parseFileInfo } from '../../media/file-info.js';
import { fileNotFound, type MediaLibrary } from '../../media/library.js';
import { registerUploadScope, withUploadForm } from '../upload/multipart.js';
import { eventContext } from '../event-context.js';
import { fileId } from '../upload/request.js';
import { ADMIN_PREFIX, requireAdmin, type AdminApiDeps } from './admin-request.js';

type IdParams = { id: string };

export interface MediaAdminDeps extends AdminApiDeps {
  readonly media: MediaLibrary;
}

/**
 * The media library for admins, under /admin/api/upload. The content API's upload routes take end-user
 * JWTs and API tokens, never admin tokens (as in Strapi), so the admin UI gets its own routes: the same
 * MediaLibrary use cases and multipart handling, guarded by the admin's `plugin::upload.*` permissions.
 * Lists are enveloped (`data` and `meta.pagination`) for the UI's pager; single files are bare, as in /api.
 */
export const mediaAdminRoutes: FastifyPluginAsync<MediaAdminDeps> = async (app, deps) => {
  const { media } = deps;
  const base = `${ADMIN_PREFIX}/upload`;
  const actions = ADMIN_ACTIONS.media;
  const { sizeLimit } = deps.config.upload;

  await registerUploadScope(app, deps.config.upload, (scope) => {
    // POST /admin/api/upload: multipart `files` (one or many) and optional `fileInfo` → 201, the files.
    scope.post(base, async (request, reply) => {
      await requireAdmin(deps, request, actions.create);
      const created = await withUploadForm(request, sizeLimit, async ({ files, fields }, spool) => {
        if (files.length === 0) throw new ValidationError('Send at least one file (field "files")');
        const fileInfo = parseFileInfo(fields.get('fileInfo') ?? [], files.length);
        return media.upload(spool, files, { fileInfo, event: eventContext(request) });
      });
      return reply.status(201).send(created);
    });
  });

  // GET /admin/api/upload/files: the content API's query language (filters, `_q`, sort, pagination).
  app.get(`${base}/files`, async (request, reply) => {
    await requireAdmin(deps, request, actions.read);
    const { data, pagination } = await media.page(request.query);
    reply.header('cache-control', 'no-store');
    return { data, meta: { pagination } };
  });

  app.get<{ Params: IdParams }>(`${base}/files/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    const file = await media.findOne(fileId(request.params.id), {});
    if (!file) throw fileNotFound();
    return file;
  });

  // PUT /admin/api/upload/files/:id: JSON `{ name?, alternativeText?, caption? }` → the updated file.
  app.put<{ Params: IdParams }>(`${base}/files/:id`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const id = fileId(request.params.id);
    return media.updateInfo(id, checkInfo(request.body), { event: eventContext(request) });
  });

  app.delete<{ Params: IdParams }>(`${base}/files/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    return media.remove(fileId(request.params.id), { event: eventContext(request) });
  });

  /**
   * GET /admin/api/upload/orphans: files no entry uses, older than the grace period (`upload.orphanGraceMs`
   * unless `?graceMs=` asks for another), oldest first — what the leader's cleanup will remove.
   */
  app.get<{ Querystring: { graceMs?: unknown; limit?: unknown } }>(
    `${base}/orphans`,
    async (request, reply) => {
      await requireAdmin(deps, request, actions.read);
      const graceMs = count(request.query.graceMs, 'graceMs') ?? deps.config.upload.orphanGraceMs;
      const limit = Math.min(count(request.query.limit, 'limit') ?? 100, 1000);
      reply.header('cache-control', 'no-store');
      return { data: await media.orphans(graceMs, limit), meta: { graceMs } };
    },
  );
};

function count(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))
    throw new ValidationError(`${name} must be a non-negative integer`, { key: name, source: 'query' });
  return Number(raw);
}
