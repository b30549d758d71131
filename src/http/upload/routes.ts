import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/principal.js';
import { UPLOAD_ACTIONS } from '../../auth/users-permissions/actions.js';
import type { QuorumConfig } from '../../config/index.js';
import { fileNotFound, type MediaLibrary } from '../../media/library.js';
import { registerUploadScope } from './multipart.js';
import { eventContext } from '../event-context.js';
import { fileId } from './request.js';
import { upload } from './upload.js';

export interface UploadApiDeps {
  readonly config: QuorumConfig;
  readonly auth: Authenticator;
  readonly media: MediaLibrary;
  /**
   * The REST prefix (`/api`), written into each route's path. Not named `prefix`: Fastify would take
   * that option as a prefix of its own for the plugin's routes.
   */
  readonly restPrefix: string;
}

/**
 * Strapi's upload routes (reference §7): POST /api/upload (create, or update/replace with ?id=),
 * GET /api/upload/files[/:id], DELETE /api/upload/files/:id. Answers are bare JSON, not enveloped.
 */
export const uploadApiRoutes: FastifyPluginAsync<UploadApiDeps> = async (app, deps) => {
  const { auth, media, restPrefix: prefix } = deps;

  const authorize = async (request: FastifyRequest, action: string) =>
    auth.authorize(await auth.authenticate(request.headers.authorization), action);

  await registerUploadScope(app, deps.config.upload, (scope) => {
    scope.post<{ Querystring: { id?: unknown } }>(`${prefix}/upload`, upload(deps));
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
    const access = await authorize(request, UPLOAD_ACTIONS.destroy);
    return media.remove(fileId(request.params.id), { event: eventContext(request), access });
  });
};
