import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchemaFiles } from '../src/node/schema-files.js';
import { NOT_RUN_SECTION, strapiPartsNotRun } from '../src/node/strapi-project-warnings.js';
import { describeEachDatabase } from './helpers/each-database.js';
import { captureLogs, type CapturedLogs } from './helpers/logs.js';
import { copyFixtureApp, fixtureAppPath, startTestNode, type TestNode } from './helpers/node.js';

/**
 * Nothing of a Strapi project is left out without a word: at start a node logs one warning per part it
 * does not run (project code, plugin configuration, i18n, schema options it accepts and ignores), each
 * naming its files and the README section that says what to do instead. The strapi-project fixture is
 * a Strapi 5 project with such code; this suite adds the rest to a copy.
 */

const ARTICLE = 'src/api/article/content-types/article/schema.json';
const SEO = 'src/components/shared/seo.json';

function write(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

interface SchemaJson {
  pluginOptions?: Record<string, unknown>;
  attributes: Record<string, Record<string, unknown>>;
}

function editJson(dir: string, file: string, edit: (json: SchemaJson) => void): void {
  const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as SchemaJson;
  edit(json);
  writeFileSync(path.join(dir, file), JSON.stringify(json, null, 2));
}

/** A copy of the strapi-project fixture with global policies and middlewares, i18n and ignored options. */
function projectWithEverything(): string {
  const dir = copyFixtureApp('strapi-project');
  write(dir, 'src/policies/is-admin.js', 'module.exports = (ctx) => ctx.state.user?.role === "admin";\n');
  write(dir, 'src/middlewares/timer.ts', 'export default () => async (ctx, next) => { await next(); };\n');
  write(dir, 'src/extensions/users-permissions/content-types/user/lifecycles.js', 'module.exports = {};\n');
  editJson(dir, ARTICLE, (schema) => {
    schema.pluginOptions = { i18n: { localized: true } };
    schema.attributes.title.pluginOptions = { i18n: { localized: true } };
    schema.attributes.title.conditions = { visible: { '==': [{ var: 'featured' }, true] } };
  });
  editJson(dir, SEO, (schema) => {
    const [first] = Object.keys(schema.attributes);
    schema.attributes[first].conditions = { visible: { '==': [1, 1] } };
  });
  return dir;
}

const expected = (seoAttribute: string) => [
  { part: 'bootstrap', files: ['src/index.ts'] },
  {
    part: 'lifecycles',
    files: [
      'src/api/article/content-types/article/lifecycles.ts',
      'src/extensions/users-permissions/content-types/user/lifecycles.js',
    ],
  },
  {
    part: 'controllers',
    files: ['src/api/article/controllers/article.ts', 'src/api/health/controllers/health.ts'],
  },
  { part: 'services', files: ['src/api/article/services/article.ts'] },
  {
    part: 'routes',
    files: ['src/api/article/routes/01-custom-article.ts', 'src/api/health/routes/health.ts'],
  },
  { part: 'policies', files: ['src/api/article/policies/is-owner.ts', 'src/policies/is-admin.js'] },
  { part: 'middlewares', files: ['src/api/article/middlewares/populate.ts', 'src/middlewares/timer.ts'] },
  { part: 'plugins', files: ['config/plugins.ts'] },
  { part: 'option:conditions', files: [`${ARTICLE} (title)`, `${SEO} (${seoAttribute})`] },
];

describe('the parts of a Strapi project Quorum does not run', () => {
  let dir: string;
  beforeAll(() => {
    dir = projectWithEverything();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each part with its files', () => {
    const seoAttribute = Object.keys(JSON.parse(readFileSync(path.join(dir, SEO), 'utf8')).attributes)[0];
    const parts = strapiPartsNotRun(dir, appSchemaFiles(dir));
    expect(parts.map(({ part, files }) => ({ part, files }))).toEqual(expected(seoAttribute));
  });

  it('says nothing of what a new Strapi project holds (core factories, empty index and plugins)', () => {
    const fresh = copyFixtureApp('strapi-project');
    try {
      // What `create-strapi-app` and `strapi generate` write (Strapi 5 templates).
      for (const kind of ['controllers', 'services', 'routes']) {
        const factory = { controllers: 'Controller', services: 'Service', routes: 'Router' }[kind];
        write(
          fresh,
          `src/api/article/${kind}/article.ts`,
          `/**\n * article ${kind}\n */\n\nimport { factories } from '@strapi/strapi';\n\nexport default factories.createCore${factory}('api::article.article');\n`,
        );
      }
      write(
        fresh,
        'src/api/author/controllers/author.js',
        `'use strict';\n\nconst { createCoreController } = require('@strapi/strapi').factories;\n\nmodule.exports = createCoreController('api::author.author');\n`,
      );
      for (const file of [
        'src/api/author/controllers/author.ts',
        'src/api/article/routes/01-custom-article.ts',
        'src/api/article/content-types/article/lifecycles.ts',
        'src/api/article/policies/is-owner.ts',
        'src/api/article/middlewares/populate.ts',
      ])
        rmSync(path.join(fresh, file));
      rmSync(path.join(fresh, 'src/api/health'), { recursive: true });
      write(
        fresh,
        'src/index.ts',
        `import type { Core } from '@strapi/strapi';\n\nexport default {\n  /**\n   * An asynchronous register function.\n   */\n  register(/* { strapi }: { strapi: Core.Strapi } */) {},\n\n  bootstrap(/* { strapi }: { strapi: Core.Strapi } */) {},\n};\n`,
      );
      write(fresh, 'config/plugins.ts', 'export default () => ({});\n');
      expect(strapiPartsNotRun(fresh, appSchemaFiles(fresh))).toEqual([]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('links a README section that exists', () => {
    const readme = readFileSync(path.join(fixtureAppPath('.'), '..', '..', '..', 'README.md'), 'utf8');
    const anchor = NOT_RUN_SECTION.split('#')[1];
    const headings = readme
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) =>
        line
          .replace(/^#+\s*/, '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
    expect(headings).toContain(anchor);
  });

  it('finds nothing to say about the other fixture apps and the example', () => {
    for (const app of ['kitchen', 'relations', 'permissions', 'media']) {
      const appDir = fixtureAppPath(app);
      expect(strapiPartsNotRun(appDir, appSchemaFiles(appDir)), app).toEqual([]);
    }
    const blog = path.join(fixtureAppPath('.'), '..', '..', '..', 'examples', 'blog');
    expect(strapiPartsNotRun(blog, appSchemaFiles(blog))).toEqual([]);
  });
});

describeEachDatabase('a node started on a Strapi project', (kind) => {
  let dir: string;
  let logs: CapturedLogs;
  let t: TestNode;
  beforeAll(async () => {
    dir = projectWithEverything();
    logs = captureLogs('warn');
    t = await startTestNode({ kind, app: path.relative(fixtureAppPath('.'), dir), logger: logs.logger });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns once per part at start, naming the files and the README section, and never per request', async () => {
    for (let i = 0; i < 3; i++) expect((await t.request({ url: '/api/articles' })).status).toBe(200);
    const warnings = logs.lines().filter((line) => typeof line.part === 'string');
    const seoAttribute = Object.keys(JSON.parse(readFileSync(path.join(dir, SEO), 'utf8')).attributes)[0];
    expect(warnings.map(({ part, files }) => ({ part, files }))).toEqual(expected(seoAttribute));
    for (const warning of warnings) {
      expect(warning.level).toBe(40);
      expect(warning.see).toBe(NOT_RUN_SECTION);
      expect(warning.msg).toContain(`. See ${NOT_RUN_SECTION}`);
      expect(warning.msg).toContain((warning.files as string[])[0]);
    }
    // i18n pluginOptions are acted on (README, Internationalization): no warning names them.
    expect(warnings.find((w) => w.part === 'i18n')).toBeUndefined();
  });
});
