import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/principal.js';
import { UPLOAD_ACTIONS } from '../../auth/users-permissions/actions.js';
import type { QuorumConfig } from '../../config/index.js';
import { ValidationError } from '../../core/errors.js';
import type { AttachTarget } from '../../media/attach.js';
import { parseFileInfo } from '../../media/file-info.js';
import { fileNotFound, type MediaLibrary } from '../../media/library.js';
import { registerUploadScope, withUploadForm } from './multipart.js';
import { eventContext, fileId } from './request.js';

export interface UploadApiDeps {
  readonly config: QuorumConfig;
  readonly auth: Authenticator;
  readonly media: MediaLibrary;
  readonly prefix: string;
}

/**
 * Strapi's upload routes (reference §7): POST /api/upload (create, or update/replace with ?id=),
 * GET /api/upload/files[/:id], DELETE /api/upload/files/:id. Answers are bare JSON, not enveloped.
 */
export async function registerUploadApi(app: FastifyInstance, deps: UploadApiDeps): Promise<void> {
  const { auth, media, prefix } = deps;
  const { sizeLimit } = deps.config.upload;

  const authorize = async (request: FastifyRequest, action: string) =>
    auth.authorize(await auth.authenticate(request.headers.authorization), action);

  await registerUploadScope(app, deps.config.upload, (scope) => {
    scope.post<{ Querystring: { id?: unknown } }>(`${prefix}/upload`, async (request, reply) => {
      const principal = await auth.authenticate(request.headers.authorization);
      await auth.authorize(principal, UPLOAD_ACTIONS.upload);
      const id = request.query.id === undefined ? undefined : fileId(request.query.id);
      return withUploadForm(request, sizeLimit, async ({ files, fields }, spool) => {
        const fileInfo = parseFileInfo(fields.get('fileInfo') ?? [], files.length);
        const event = eventContext(request);
        if (id !== undefined) {
          if (files.length > 1) throw new ValidationError('Replace a file with exactly one file');
          const info = fileInfo[0] ?? {};
          return files.length === 1
            ? await media.replace(spool, id, files[0], info, event)
            : await media.updateInfo(id, info, event);
        }
        const attach = attachTarget(fields);
        if (attach) await auth.authorize(principal, `${attach.ref}.update`);
        const created = await media.upload(spool, files, { fileInfo, attach, event });
        return reply.status(201).send(created);
      });
    });
  });

  app.get(`${prefix}/upload/files`, async (request) => {
    await authorize(request, UPLOAD_ACTIONS.find);
    return media.find(request.query);
  });

  app.get<{ Params: { id: string } }>(`${prefix}/upload/files/:id`, async (request) => {
    await authorize(request, UPLOAD_ACTIONS.findOne);
    const file = await media.findOne(fileId(request.params.id), request.query);
    if (!file) throw fileNotFound();
    return file;
  });

  app.delete<{ Params: { id: string } }>(`${prefix}/upload/files/:id`, async (request) => {
    await authorize(request, UPLOAD_ACTIONS.destroy);
    return media.remove(fileId(request.params.id), { event: eventContext(request) });
  });
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
