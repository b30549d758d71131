/* eslint-disable @typescript-eslint/no-explicit-any -- the recorded Strapi answers are untyped JSON */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { registerFirstAdmin, type AdminSession } from '../admin/helpers.js';

/** Strapi 5.54's recorded answers (test/fixtures/strapi-5.54-i18n/measurements.md, "Locales", "Admin /i18n/* routes"). */
const ANSWERS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'strapi-5.54-i18n',
  'answers',
);
const recorded = (name: string) =>
  JSON.parse(readFileSync(`${ANSWERS}/${name}.json`, 'utf8')) as { status: number; body: any };
const KEYS = ['id', 'documentId', 'name', 'code', 'createdAt', 'updatedAt', 'publishedAt', 'isDefault'];

describeEachDatabase('i18n locales', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'kitchen',
      config: {
        i18n: {
          locales: [
            { code: 'en', name: 'English (en)', isDefault: true },
            { code: 'fr', name: 'French (fr)' },
          ],
        },
      },
    });
    root = await registerFirstAdmin(t);
  });
  afterAll(() => t.close());

  const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, auth = root.auth) =>
    t.request({ method, url: `/admin/api/i18n${url}`, body, auth });

  it('GET /api/i18n/locales answers a bare array with Strapi keys in order (locales-content-api.json)', async () => {
    const response = await t.request({ url: '/api/i18n/locales?locale=fr' });
    expect(response.status, response.body).toBe(200);
    const body = response.json();
    const strapi = recorded('locales-content-api').body;
    expect(Object.keys(body[0])).toEqual(Object.keys(strapi[0]));
    expect(Object.keys(body[0])).toEqual(KEYS);
    expect(body.map((l: any) => [l.code, l.name, l.isDefault])).toEqual([
      ['en', 'English (en)', true],
      ['fr', 'French (fr)', false],
    ]);
    expect(body[0].documentId).toMatch(/^[a-z0-9]{24}$/);
    expect(body[0].publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('GET /api/i18n/locales needs the listLocales permission: the Public role without it gets 403', async () => {
    const response = await t.request({ url: '/api/i18n/locales', auth: 'none' });
    expect(response.status, response.body).toBe(403);
  });

  it('admin routes refuse no credentials and API tokens with 401 (admin-locales-list-no-auth/api-token.json)', async () => {
    for (const auth of ['none', t.fullAccess]) {
      const response = await admin('GET', '/locales', undefined, auth);
      expect(response.status).toBe(401);
      expect(response.json().error.message).toBe(recorded('admin-locales-list-api-token').body.error.message);
    }
  });

  it('creates locales as Strapi (admin-locales-create*.json)', async () => {
    const created = await admin('POST', '/locales', { code: 'es', name: 'Spanish (es)', isDefault: false });
    expect(created.status, created.body).toBe(recorded('admin-locales-create').status);
    expect(Object.keys(created.json())).toEqual(KEYS);
    expect(created.json()).toMatchObject({ code: 'es', name: 'Spanish (es)', isDefault: false });

    const noName = await admin('POST', '/locales', { code: 'pt', isDefault: false });
    expect(noName.status).toBe(200);
    expect(noName.json().name).toBeNull();
    const region = await admin('POST', '/locales', {
      code: 'fr-CA',
      name: 'French (Canada) (fr-CA)',
      isDefault: false,
    });
    expect(region.status).toBe(200);

    const cases: [string, unknown][] = [
      ['admin-locales-create-duplicate', { code: 'fr', name: 'French again', isDefault: false }],
      ['admin-locales-create-invalid-code', { code: 'xx', name: 'Nope', isDefault: false }],
      ['admin-locales-create-uppercase-code', undefined],
      ['admin-locales-create-missing-isdefault', { code: 'it', name: 'Italian (it)' }],
      ['admin-locales-create-name-too-long', undefined],
      ['admin-locales-create-unknown-key', undefined],
    ];
    for (const [name, override] of cases) {
      const strapi = recorded(name) as any;
      const response = await admin('POST', '/locales', override ?? strapi.requestBody);
      expect(response.status, name).toBe(strapi.status);
      expect(response.json(), name).toEqual(strapi.body);
    }
  });

  it('updates the name and the default; isDefault false changes nothing (admin-locales-update-*.json)', async () => {
    const list = (await admin('GET', '/locales')).json();
    const es = list.find((l: any) => l.code === 'es');
    const en = list.find((l: any) => l.code === 'en');
    const renamed = await admin('PUT', `/locales/${es.id}`, { name: 'Español' });
    expect(renamed.status).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Español', code: 'es', isDefault: false });
    expect(renamed.json().updatedAt >= es.updatedAt).toBe(true);

    const unchanged = await admin('PUT', `/locales/${en.id}`, { isDefault: false });
    expect(unchanged.json().isDefault).toBe(recorded('admin-locales-set-default-false').body.isDefault);

    const toEs = await admin('PUT', `/locales/${es.id}`, { isDefault: true });
    expect(toEs.json().isDefault).toBe(true);
    const publicList = (await t.request({ url: '/api/i18n/locales' })).json();
    expect(publicList.filter((l: any) => l.isDefault).map((l: any) => l.code)).toEqual(['es']);
    await admin('PUT', `/locales/${en.id}`, { isDefault: true });

    for (const [name, url] of [
      ['admin-locales-update-code-rejected', `/locales/${es.id}`],
      ['admin-locales-update-empty-name', `/locales/${es.id}`],
      ['admin-locales-update-missing', '/locales/9999'],
      ['admin-locales-update-by-code', '/locales/es'],
    ]) {
      const strapi = recorded(name) as any;
      const response = await admin('PUT', url, strapi.requestBody);
      expect(response.status, name).toBe(strapi.status);
      expect(response.json(), name).toEqual(strapi.body);
    }
  });

  it('deletes a locale and answers it; the default and unknown ids are refused (admin-locales-delete-*.json)', async () => {
    const list = (await admin('GET', '/locales')).json();
    const pt = list.find((l: any) => l.code === 'pt');
    const en = list.find((l: any) => l.code === 'en');
    const deleted = await admin('DELETE', `/locales/${pt.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({ ...pt, isDefault: false });
    expect((await admin('GET', '/locales')).json().map((l: any) => l.code)).not.toContain('pt');

    const refused = await admin('DELETE', `/locales/${en.id}`);
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual(recorded('admin-locales-delete-default').body);
    const missing = await admin('DELETE', '/locales/9999');
    expect(missing.json()).toEqual(recorded('admin-locales-delete-missing').body);
  });

  it('lists the ISO locales as Strapi (admin-iso-locales.json)', async () => {
    const response = await admin('GET', '/iso-locales');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual(recorded('admin-iso-locales').body);
  });

  it('never answers a 500 to random locale bodies (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            code: fc.oneof(
              fc.string(),
              fc.constantFrom('de', 'it', 'FR', 'zh-Hans', ''),
              fc.integer(),
              fc.constant(null),
            ),
            name: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(null), fc.integer()),
            isDefault: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const response = await admin('POST', '/locales', body);
          expect(response.status, response.body).toBeLessThan(500);
          if (response.status === 200) {
            const id = response.json().id;
            if (!response.json().isDefault) await admin('DELETE', `/locales/${id}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
