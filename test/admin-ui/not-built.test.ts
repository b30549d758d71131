import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerAdminUi } from '../../src/http/admin-ui.js';
import { registerErrorHandling } from '../../src/http/errors.js';

describe('admin UI without a build', () => {
  it('answers /admin with a 503 page that says how to build, and leaves /admin/api alone', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    await registerAdminUi(app, '/nonexistent/admin/dist');
    for (const url of ['/admin', '/admin/', '/admin/content/api::article.article']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('npm run build');
    }
    const api = await app.inject({ url: '/admin/api/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.status).toBe(404);
    await app.close();
  });
});
