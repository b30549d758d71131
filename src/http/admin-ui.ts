import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../core/errors.js';

/**
 * Where `npm run build` puts the admin UI (the `admin-ui/` workspace, built by Vite). The same path from
 * src/http (tests run the TypeScript) and from dist/http (the compiled server).
 */
export const ADMIN_UI_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'admin-ui',
  'dist',
);

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the admin single-page app under /admin: hashed files under /admin/assets/ cached for a year
 * (a new build has new names), and index.html — never cached, so a deploy is picked up at once — for
 * /admin and every client-side route under it. /admin/api stays the API's: an unknown API path is a
 * JSON 404, never the app's HTML. Without a build the node still starts, and /admin says how to build.
 */
export async function registerAdminUi(app: FastifyInstance, root = ADMIN_UI_DIST): Promise<void> {
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/admin', notBuilt);
    app.get('/admin/*', notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/admin/assets/',
    index: false,
    // Our own Cache-Control below; @fastify/static's default is a short max-age without `immutable`.
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', IMMUTABLE),
  });

  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    if (isApiPath(request.url)) throw new NotFoundError();
    // Read per request: a rebuild while the node runs is served at once, and the file is small.
    const html = await readFile(indexFile, 'utf8');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  app.get('/admin', sendIndex);
  app.get('/admin/*', sendIndex);
}

function isApiPath(url: string): boolean {
  return url === '/admin/api' || url.startsWith('/admin/api/') || url.startsWith('/admin/api?');
}

async function notBuilt(request: FastifyRequest, reply: FastifyReply) {
  if (isApiPath(request.url)) throw new NotFoundError();
  return reply
    .status(503)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quorum admin</title></head><body>' +
        '<h1>The admin UI has not been built</h1>' +
        '<p>This node serves the admin UI from <code>admin-ui/dist</code>, which does not exist. Run ' +
        '<code>npm run build</code> (or <code>npm run build --workspace admin-ui</code>) and reload this page. ' +
        'The content API under <code>/api</code> and the admin API under <code>/admin/api</code> work without it.</p>' +
        '</body></html>',
    );
}
