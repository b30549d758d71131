import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/schema/errors.js';
import { loadSchemaFiles } from '../../src/core/schema/load-files.js';
import { checkSchemaDefinition } from '../../src/core/schema/validate-files.js';
import { appSchemaFiles } from '../../src/node/schema-files.js';

/**
 * Schema files are checked like the configuration: what Strapi 5 would ignore without a word (a
 * misspelt option, a value of the wrong kind) stops the start with the file, the attribute and the key.
 * The keys come from Strapi's own attribute definitions (packages/core/types/src/schema/attribute/
 * definitions/*.ts) and the content-type builder's checks of values (content-type-builder/server/src/
 * controllers/validation/types.ts: minLength/maxLength are integers >= 0, enum values strings, media
 * allowedTypes one of images/videos/files/audios).
 */

const FILE = 'src/api/article/content-types/article/schema.json';
const SEO_FILE = 'src/components/shared/seo.json';

function article(attributes: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return {
    kind: 'collectionType',
    collectionName: 'articles',
    info: { singularName: 'article', pluralName: 'articles', displayName: 'Article' },
    options: { draftAndPublish: true },
    pluginOptions: {},
    attributes,
    ...top,
  };
}

const problemsOf = (
  definition: Record<string, unknown>,
  modelType: 'contentType' | 'component' = 'contentType',
) => checkSchemaDefinition(FILE, modelType, definition).problems;

describe('strict checks of a schema definition', () => {
  it('names the file, attribute and key of an unknown option, with the nearest valid key', () => {
    expect(problemsOf(article({ title: { type: 'string', maxLenght: 80 } }))).toEqual([
      `${FILE}: attribute "title": "maxLenght" is not a known key; did you mean \`maxLength\`?`,
    ]);
    expect(problemsOf(article({ title: { type: 'string', Required: true } }))).toEqual([
      `${FILE}: attribute "title": "Required" is not a known key; did you mean \`required\`?`,
    ]);
    // Nothing near: no guess.
    expect(problemsOf(article({ title: { type: 'string', colour: 'red' } }))).toEqual([
      `${FILE}: attribute "title": "colour" is not a known key`,
    ]);
  });

  it('says when an option belongs to other attribute types', () => {
    expect(problemsOf(article({ views: { type: 'integer', maxLength: 3 } }))).toEqual([
      `${FILE}: attribute "views": "maxLength" is not an option of integer attributes (string, text, richtext, email, password, uid, customField take it)`,
    ]);
    expect(
      problemsOf(
        article({ tags: { type: 'relation', relation: 'oneToMany', target: 'api::t.t', default: [] } }),
      ),
    ).toEqual([
      `${FILE}: attribute "tags": "default" is not an option of relation attributes (string, text, richtext, email, uid, enumeration, … take it)`,
    ]);
    expect(problemsOf(article({ cover: { type: 'media', repeatable: true } }))[0]).toMatch(
      /"repeatable" is not an option of media attributes \(component take it\)/,
    );
  });

  it('names an unknown type, with the nearest type', () => {
    expect(problemsOf(article({ title: { type: 'strin' } }))).toEqual([
      `${FILE}: attribute "title": unknown type "strin"; did you mean \`string\`?`,
    ]);
    expect(problemsOf(article({ title: { type: 'no-such-type' } }))).toEqual([
      `${FILE}: attribute "title": unknown type "no-such-type"`,
    ]);
  });

  it('refuses values of the wrong kind', () => {
    const problems = problemsOf(
      article({
        a: { type: 'string', required: 'yes' },
        b: { type: 'string', maxLength: -1 },
        c: { type: 'string', minLength: 1.5 },
        d: { type: 'enumeration', enum: ['x', 2] },
        e: { type: 'enumeration', enum: ['x', 'y'], default: 'z' },
        f: { type: 'integer', default: 'many' },
        g: { type: 'media', allowedTypes: ['pictures'] },
        h: { type: 'string', regex: '(' },
        i: { type: 'string', minLength: 5, maxLength: 2 },
        j: { type: 'relation', relation: 'oneToSome', target: 'api::x.x' },
        k: { type: 'dynamiczone', components: 'shared.seo' },
        l: { type: 'boolean', default: 'true' },
      }),
    );
    expect(problems).toEqual([
      `${FILE}: attribute "a": "required" must be true or false`,
      `${FILE}: attribute "b": "maxLength" must be an integer >= 0`,
      `${FILE}: attribute "c": "minLength" must be an integer >= 0`,
      `${FILE}: attribute "d": "enum" must be a non-empty array of strings`,
      `${FILE}: attribute "e": "default" must be one of the values of "enum"`,
      `${FILE}: attribute "f": "default" must be an integer`,
      `${FILE}: attribute "g": "allowedTypes" must be one of images, videos, files, audios, or an array of them`,
      `${FILE}: attribute "h": "regex" is not a valid regular expression`,
      `${FILE}: attribute "i": "minLength" (5) must not exceed "maxLength" (2)`,
      `${FILE}: attribute "j": "relation" must be one of oneToOne, oneToMany, manyToOne, manyToMany, morphToOne, morphToMany, morphOne, morphMany; did you mean \`oneToOne\`?`,
      `${FILE}: attribute "k": "components" must be an array of strings`,
      `${FILE}: attribute "l": "default" must be true or false`,
    ]);
  });

  it('names missing keys a type cannot do without', () => {
    expect(
      problemsOf(article({ c: { type: 'component' }, r: { type: 'relation', relation: 'oneToOne' } })),
    ).toEqual([
      `${FILE}: attribute "c": a component attribute needs "component"`,
      `${FILE}: attribute "r": a relation needs a "target" uid`,
    ]);
  });

  it('checks the top level, info and options of content types and components', () => {
    expect(problemsOf(article({}, { collectionNmae: 'x', draftAndPublish: true }))).toEqual([
      `${FILE}: "collectionNmae" is not a known key; did you mean \`collectionName\`?`,
      `${FILE}: "draftAndPublish" is not a known key`,
    ]);
    expect(
      problemsOf(
        article(
          {},
          {
            info: { singularName: 'article', pluralName: 'articles', displayname: 'A' },
            options: { draftAndPublsh: true },
          },
        ),
      ),
    ).toEqual([
      `${FILE}: "info.displayname" is not a known key; did you mean \`displayName\`?`,
      `${FILE}: "options.draftAndPublsh" is not a known key; did you mean \`draftAndPublish\`?`,
    ]);
    // A component has no kind (its uid comes from its folder and file name).
    expect(
      problemsOf({ kind: 'collectionType', info: { displayName: 'Seo' }, attributes: {} }, 'component'),
    ).toEqual([`${FILE}: "kind" is not a known key`]);
  });

  it('accepts every key Strapi writes, null for "not set", and reports what Quorum does not act on', () => {
    const check = checkSchemaDefinition(
      FILE,
      'contentType',
      article(
        {
          title: {
            type: 'string',
            required: true,
            unique: true,
            minLength: 1,
            maxLength: '80',
            regex: '^[A-Z]',
            default: 'Untitled',
            private: false,
            writable: true,
            configurable: false,
            searchable: true,
            visible: true,
            pluginOptions: { i18n: { localized: true } },
            conditions: { visible: { '==': [{ var: 'kind' }, 'long'] } },
          },
          kind: { type: 'enumeration', enum: ['short', 'long'], default: 'short', enumName: 'article_kind' },
          big: { type: 'biginteger', min: '0', max: '9007199254740993', default: '1' },
          slug: { type: 'uid', targetField: 'title', options: { separator: '_' } },
          cover: { type: 'media', multiple: false, allowedTypes: 'images', required: null },
          tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag', inversedBy: 'articles' },
          parts: { type: 'dynamiczone', components: ['shared.seo'], min: 0, max: 3 },
          colour: {
            type: 'customField',
            customField: 'plugin::color-picker.color',
            options: { format: 'hex' },
          },
        },
        {
          options: { draftAndPublish: true, reviewWorkflows: true, comment: '' },
          pluginOptions: { i18n: { localized: true }, 'content-manager': { visible: false } },
        },
      ),
    );
    expect(check.problems).toEqual([]);
    expect(check.unimplemented).toEqual([
      { option: 'options.reviewWorkflows', where: FILE },
      { option: 'pluginOptions.content-manager', where: FILE },
      { option: 'visible', where: `${FILE} (title)` },
      { option: 'conditions', where: `${FILE} (title)` },
      { option: 'enumName', where: `${FILE} (kind)` },
      { option: 'options', where: `${FILE} (slug)` },
    ]);
    // What Strapi's content-type builder writes for a component (schema-handler.ts writes `config`).
    expect(
      checkSchemaDefinition(SEO_FILE, 'component', {
        collectionName: 'components_shared_seos',
        info: { displayName: 'Seo', icon: 'search', description: '' },
        options: {},
        pluginOptions: {},
        attributes: { metaTitle: { type: 'string', required: true, maxLength: 60 } },
        config: {},
      }),
    ).toEqual({ problems: [], unimplemented: [] });
    // Switched off or empty: nothing to say.
    expect(
      checkSchemaDefinition(
        FILE,
        'contentType',
        article({}, { pluginOptions: { i18n: { localized: false } } }),
      ).unimplemented,
    ).toEqual([]);
  });
});

describe('loading the files of an app directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function app(files: Record<string, unknown>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorum-validate-'));
    dirs.push(dir);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), JSON.stringify(content));
    }
    return dir;
  }

  it('lists every problem of every file in one error', () => {
    const dir = app({
      [FILE]: article({ title: { type: 'string', maxLenght: 80 } }),
      'src/components/shared/seo.json': { info: { displayName: 'Seo' }, attributes: { t: { type: 'txt' } } },
    });
    const err = (() => {
      try {
        loadSchemaFiles(dir);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(SchemaError);
    expect(err?.message).toBe(
      [
        '2 problems in the schema files:',
        `  ${FILE}: attribute "title": "maxLenght" is not a known key; did you mean \`maxLength\`?`,
        '  src/components/shared/seo.json: attribute "t": unknown type "txt"; did you mean `text`?',
      ].join('\n'),
    );
  });

  it('checks the users-permissions extension file too', () => {
    const dir = app({
      'src/extensions/users-permissions/content-types/user/schema.json': {
        attributes: { nickname: { type: 'string', requred: true } },
      },
    });
    expect(() => appSchemaFiles(dir)).toThrow(
      new SchemaError(
        'src/extensions/users-permissions/content-types/user/schema.json: attribute "nickname": "requred" is not a known key; did you mean `required`?',
      ),
    );
  });

  it('loads every fixture app and example', () => {
    const root = path.join(import.meta.dirname, '..', '..');
    const fixtures = path.join(root, 'test', 'fixtures', 'apps');
    const apps = readdirSync(fixtures).map((name) => path.join(fixtures, name));
    for (const dir of [...apps, path.join(root, 'examples', 'blog')])
      expect(appSchemaFiles(dir).length).toBeGreaterThan(4);
  });
});
