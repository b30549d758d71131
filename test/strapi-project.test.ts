import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaFiles } from '../src/core/schema/load-files.js';
import { createTestDatabase, type TestDatabase } from './helpers/databases.js';
import { describeEachDatabase } from './helpers/each-database.js';
import { copyFixtureApp, fixtureAppPath, startTestNode, type TestNode } from './helpers/node.js';
import { QuorumProcess, killAllProcesses } from './helpers/processes.js';

/**
 * A Strapi v5 project folder is a valid Quorum app directory: every type answers its REST routes from its
 * schema alone, and the project's TypeScript (config, routes, controllers, services, policies, lifecycles)
 * is ignored and never stops Quorum from starting.
 */

const PROJECT = fixtureAppPath('strapi-project');

/** Scalar fields to write for every type of the fixture (a type without an entry fails the test). */
const SCALAR_DATA: Record<string, Record<string, unknown>> = {
  'api::article.article': {
    title: 'Hello from a Strapi project',
    description: 'Served by Quorum',
    slug: 'hello-from-a-strapi-project',
    readingTime: 4,
    featured: true,
    publishedDate: '2024-05-01',
    keywords: ['strapi', 'quorum'],
  },
  'api::author.author': { name: 'Ada', email: 'ada@example.com', bio: '# Ada\n\nWrites things.' },
  'api::category.category': { name: 'news', slug: 'news', description: 'What happened' },
  'api::about.about': { title: 'About us' },
  'api::global.global': { siteName: 'My blog', siteDescription: 'A blog served by Quorum' },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [path.relative(PROJECT, full)];
  });
}

describe('the strapi-project fixture', () => {
  it('looks like a Strapi v5 project, code files included', () => {
    const files = filesUnder(PROJECT);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'config/server.ts',
        'config/database.ts',
        'src/index.ts',
        'src/api/article/routes/article.ts',
        'src/api/article/controllers/article.ts',
        'src/api/article/services/article.ts',
        'src/api/article/content-types/article/lifecycles.ts',
        'src/components/shared/seo.json',
      ]),
    );
    for (const api of ['article', 'author', 'category', 'about', 'global']) {
      for (const kind of ['routes', 'controllers', 'services'])
        expect(files).toContain(`src/api/${api}/${kind}/${api}.ts`);
    }
  });

  it('loads every content type and component, and nothing from the code files', () => {
    const loaded = loadSchemaFiles(PROJECT).map((file) => [file.uid, file.path]);
    expect(loaded).toEqual([
      ['api::about.about', 'src/api/about/content-types/about/schema.json'],
      ['api::article.article', 'src/api/article/content-types/article/schema.json'],
      ['api::author.author', 'src/api/author/content-types/author/schema.json'],
      ['api::category.category', 'src/api/category/content-types/category/schema.json'],
      ['api::global.global', 'src/api/global/content-types/global/schema.json'],
      ['shared.media', 'src/components/shared/media.json'],
      ['shared.quote', 'src/components/shared/quote.json'],
      ['shared.rich-text', 'src/components/shared/rich-text.json'],
      ['shared.seo', 'src/components/shared/seo.json'],
      ['shared.slider', 'src/components/shared/slider.json'],
    ]);
  });
});

describeEachDatabase('a Strapi v5 project served by createNode', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'strapi-project' });
  });
  afterAll(() => t?.close());

  it('keeps relation, component, dynamic zone and media attributes in the schema', () => {
    const schema = t.node.core.schema();
    const appTypes = [...schema.contentTypes.keys()].filter((uid) => !uid.startsWith('plugin::'));
    expect(appTypes.sort()).toEqual(Object.keys(SCALAR_DATA).sort());
    expect([...schema.components.keys()].sort()).toEqual([
      'shared.media',
      'shared.quote',
      'shared.rich-text',
      'shared.seo',
      'shared.slider',
    ]);
    const article = schema.contentTypes.get('api::article.article')!;
    const kinds = Object.fromEntries([...article.attributes.values()].map((a) => [a.name, a.kind]));
    expect(kinds).toMatchObject({
      title: 'scalar',
      cover: 'media',
      gallery: 'media',
      author: 'relation',
      category: 'relation',
      owner: 'relation',
      seo: 'component',
      blocks: 'dynamiczone',
    });
    expect(schema.contentTypes.get('api::global.global')!.attributes.get('defaultSeo')?.kind).toBe(
      'component',
    );
  });

  for (const [uid, data] of Object.entries(SCALAR_DATA)) {
    it(`serves ${uid} on its REST routes`, async () => {
      const type = t.node.core.schema().contentTypes.get(uid)!;
      if (type.kind === 'collectionType') {
        const empty = await t.request({ url: `/api/${type.pluralName}` });
        expect(empty.status, empty.body).toBe(200);
        expect(empty.json()).toMatchObject({ data: [], meta: { pagination: { page: 1, total: 0 } } });
        const created = await t.request({ method: 'POST', url: `/api/${type.pluralName}`, body: { data } });
        expect(created.status, created.body).toBe(201);
        expect(created.json().data).toMatchObject(data);
        const documentId = created.json().data.documentId;
        const one = await t.request({ url: `/api/${type.pluralName}/${documentId}`, auth: 'read' });
        expect(one.status, one.body).toBe(200);
        expect(one.json().data).toMatchObject(data);
        const list = await t.request({ url: `/api/${type.pluralName}`, auth: 'read' });
        expect(list.json().data).toHaveLength(1);
      } else {
        expect((await t.request({ url: `/api/${type.singularName}` })).status).toBe(404);
        const written = await t.request({ method: 'PUT', url: `/api/${type.singularName}`, body: { data } });
        expect(written.status, written.body).toBe(200);
        expect(written.json().data).toMatchObject(data);
        const read = await t.request({ url: `/api/${type.singularName}`, auth: 'read' });
        expect(read.status, read.body).toBe(200);
        expect(read.json().data).toMatchObject(data);
      }
    });
  }

  it("does not serve the project's custom routes (its code is ignored)", async () => {
    expect((await t.request({ url: '/api/articles/hello/related' })).status).toBe(404);
    expect((await t.request({ url: '/api/health' })).status).toBe(404);
  });
});

describe('quorum start --app <a Strapi v5 project>', () => {
  let app: string;
  let db: TestDatabase;
  afterAll(async () => {
    await killAllProcesses();
    await db?.drop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('starts as a real process and answers the routes of its types', async () => {
    app = copyFixtureApp('strapi-project');
    db = await createTestDatabase('sqlite');
    const node = new QuorumProcess({ app, env: { DATABASE_URL: db.url }, name: 'strapi-project' });
    await node.startReady();
    // 403 (no token yet, no Public role) proves the route exists; an unknown type is 404.
    expect((await node.fetch('/api/articles')).status).toBe(403);
    expect((await node.fetch('/api/global')).status).toBe(403);
    expect((await node.fetch('/api/nothing')).status).toBe(404);
    await node.stop();
  });
});
