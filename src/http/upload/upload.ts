import type { RouteHandler } from 'fastify';
import { UPLOAD_ACTIONS } from '../../auth/users-permissions/actions.js';
import { ValidationError } from '../../core/errors.js';
import type { AttachTarget } from '../../media/attach.js';
import { parseFileInfo } from '../../media/file-info.js';
import { withUploadForm } from './multipart.js';
import { eventContext } from '../event-context.js';
import { fileId } from './request.js';
import type { UploadApiDeps } from './routes.js';

/**
 * POST /api/upload: multipart `files` → 201 with the new files (attached to an entry with ref, refId
 * and field); with `?id=`, replaces that file's bytes (one file) or updates its info (none).
 */
export function upload(deps: UploadApiDeps): RouteHandler<{ Querystring: { id?: unknown } }> {
  const { auth, media } = deps;
  const { sizeLimit } = deps.config.upload;
  return async (request, reply) => {
    const principal = await auth.authenticate(request.headers.authorization);
    // The scope carries the caller's update rights: entries a file is attached to, or used by,
    // change with it (MediaLibrary checks them as the update route would).
    const access = await auth.authorize(principal, UPLOAD_ACTIONS.upload);
    const id = request.query.id === undefined ? undefined : fileId(request.query.id);
    return withUploadForm(request, sizeLimit, async ({ files, fields }, spool) => {
      const fileInfo = parseFileInfo(fields.get('fileInfo') ?? [], files.length);
      const event = eventContext(request);
      if (id !== undefined) {
        if (files.length > 1) throw new ValidationError('Replace a file with exactly one file');
        const info = fileInfo[0] ?? {};
        return files.length === 1
          ? await media.replace(spool, id, files[0], info, { event, access })
          : await media.updateInfo(id, info, { event, access });
      }
      const attach = attachTarget(fields);
      if (attach) await auth.authorize(principal, `${attach.ref}.update`);
      const created = await media.upload(spool, files, { fileInfo, attach, event, access });
      return reply.status(201).send(created);
    });
  };
}

/** ref, refId and field go together (Strapi's attach-on-upload). */
function attachTarget(fields: Map<string, string[]>): AttachTarget | undefined {
  const one = (name: string) => {
    const values = fields.get(name);
    if (values && values.length > 1) throw new ValidationError(`${name} is given more than once`);
    return values?.[0];
  };
  const ref = one('ref');
  const refId = one('refId');
  const field = one('field');
  if (ref === undefined && refId === undefined && field === undefined) return undefined;
  if (!ref || !refId || !field) throw new ValidationError('ref, refId and field must be given together');
  return { ref, refId, field };
}
