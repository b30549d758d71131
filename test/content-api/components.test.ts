import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Doc } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { api, countRows, expectFieldErrors, pluck, type Api } from '../helpers/relations.js';

/*
 * Components (single, repeatable, nested) and dynamic zones in bodies and responses (reference §1.3, §3.5,
 * §5.2, §5.3): exact round trips (component entries carry `id` only, dynamic-zone entries start with
 * `__component`), replacement on rewrite, validation with full paths, draft/published independence, and
 * deletion of the component rows with their document.
 *
 * Fixture: article.seo (shared.seo: metaTitle required, metaDescription maxLength 160, shareImage media),
 * article.blocks (quote / rich-text / media / slider), global.defaultSeo (required) and global.menus
 * (shared.menu: title, links[] of shared.link {label required, url} max 5, page → article), and the
 * landing type added for these tests: hero / notes[] (min 1, max 3) of shared.callout {tone enum
 * default info, text required minLength 2 maxLength 40, weight integer 0..10} and a `sections` zone
 * (callout / menu / quote, max 4).
 */

const TABLES = [
  'components_shared_seos',
  'components_shared_quotes',
  'components_shared_rich_texts',
  'components_shared_media',
  'components_shared_sliders',
  'components_shared_menus',
  'components_shared_links',
  'components_shared_callouts',
  'components_shared_menus_page_lnk',
] as const;

type Counts = Record<(typeof TABLES)[number], number>;

describeEachDatabase('components and dynamic zones', (kind) => {
  let t: TestNode;
  let a: Api;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    a = api(t);
  });
  afterAll(() => t.close());

  const counts = async (): Promise<Counts> => {
    const result = {} as Counts;
    for (const table of TABLES) result[table] = await countRows(t, table);
    return result;
  };
  const article = async (data: object, query = '') =>
    (await a.create(`/api/articles${query}`, data)).documentId as string;
  const anyId = expect.any(Number);

  describe('round trips', () => {
    it('a single component comes back with an id, its attributes in schema order, and no documentId', async () => {
      const res = await a.post('/api/articles?populate=seo', {
        title: 'RT seo',
        seo: { metaTitle: 'Meta', metaDescription: 'Described' },
      });
      expect(res.status, res.body).toBe(201);
      const created = res.json().data;
      expect(created.seo).toEqual({ id: anyId, metaTitle: 'Meta', metaDescription: 'Described' });
      expect(Object.keys(created.seo)).toEqual(['id', 'metaTitle', 'metaDescription']);
      const read = await a.read(`/api/articles/${created.documentId}?populate=seo`);
      expect(read.seo).toEqual(created.seo);
      // Unset attributes are null; the unpopulated media attribute is absent.
      const sparse = await a.create('/api/articles?populate=seo', {
        title: 'RT seo sparse',
        seo: { metaTitle: 'Only' },
      });
      expect(sparse.seo).toEqual({ id: anyId, metaTitle: 'Only', metaDescription: null });
      // A document without the component populates null.
      const none = await a.create('/api/articles?populate=seo', { title: 'RT seo none' });
      expect(none.seo).toBeNull();
    });

    it('a dynamic zone comes back in the written order, each entry id first and __component last (as Strapi 5.54 answers, measured: test/fixtures/strapi-export/answers/product-findone-populate-star.json)', async () => {
      const blocks = [
        { __component: 'shared.quote', title: 'Q1', body: 'first quote' },
        { __component: 'shared.rich-text', body: '# Heading' },
        { __component: 'shared.quote', title: 'Q2' },
        { __component: 'shared.media' },
        { __component: 'shared.slider' },
        { __component: 'shared.rich-text', body: 'tail' },
      ];
      const id = await article({ title: 'RT zone', blocks });
      const doc = await a.read(`/api/articles/${id}?populate=blocks`);
      expect(doc.blocks).toEqual([
        { __component: 'shared.quote', id: anyId, title: 'Q1', body: 'first quote' },
        { __component: 'shared.rich-text', id: anyId, body: '# Heading' },
        { __component: 'shared.quote', id: anyId, title: 'Q2', body: null },
        { __component: 'shared.media', id: anyId },
        { __component: 'shared.slider', id: anyId },
        { __component: 'shared.rich-text', id: anyId, body: 'tail' },
      ]);
      for (const entry of doc.blocks) {
        const keys = Object.keys(entry);
        expect(keys[0]).toBe('id');
        expect(keys.at(-1)).toBe('__component');
        expect(entry).not.toHaveProperty('documentId');
      }
      // Ids are distinct within a type.
      const quoteIds = doc.blocks.filter((b: Doc) => b.__component === 'shared.quote').map((b: Doc) => b.id);
      expect(new Set(quoteIds).size).toBe(2);
      // Deep populate fills media inside the zone's components: single → null, multiple → [].
      const deep = await a.read(`/api/articles/${id}?populate[blocks][populate]=*`);
      expect(deep.blocks.map((b: Doc) => ({ ...b, id: 0 }))).toEqual([
        { __component: 'shared.quote', id: 0, title: 'Q1', body: 'first quote' },
        { __component: 'shared.rich-text', id: 0, body: '# Heading' },
        { __component: 'shared.quote', id: 0, title: 'Q2', body: null },
        { __component: 'shared.media', id: 0, file: null },
        { __component: 'shared.slider', id: 0, files: [] },
        { __component: 'shared.rich-text', id: 0, body: 'tail' },
      ]);
      // An empty zone is an empty list.
      const empty = await article({ title: 'RT zone empty' });
      expect((await a.read(`/api/articles/${empty}?populate=blocks`)).blocks).toEqual([]);
    });

    it('repeatable and nested components (global.menus[].links[]) with a relation inside a component', async () => {
      const page = await article({ title: 'RT page' });
      const res = await a.put(
        '/api/global?populate[defaultSeo]=true&populate[menus][populate][links]=true&populate[menus][populate][page][fields][0]=title',
        {
          siteName: 'Site',
          defaultSeo: { metaTitle: 'Default' },
          menus: [
            { title: 'Main', links: [{ label: 'Home', url: '/' }, { label: 'Blog' }], page },
            { title: 'Footer', links: [] },
            { title: 'Legal', links: [{ label: 'Terms', url: '/terms' }] },
          ],
        },
      );
      expect(res.status, res.body).toBe(200);
      const global = res.json().data;
      expect(global.defaultSeo).toEqual({ id: anyId, metaTitle: 'Default', metaDescription: null });
      expect(global.menus).toEqual([
        {
          id: anyId,
          title: 'Main',
          links: [
            { id: anyId, label: 'Home', url: '/' },
            { id: anyId, label: 'Blog', url: null },
          ],
          page: { id: anyId, documentId: page, title: 'RT page' },
        },
        { id: anyId, title: 'Footer', links: [], page: null },
        { id: anyId, title: 'Legal', links: [{ id: anyId, label: 'Terms', url: '/terms' }], page: null },
      ]);
      expect(Object.keys(global.menus[0])).toEqual(['id', 'title', 'links', 'page']);
      // The same through GET, with populate=* one level down and with a dotted path.
      const star = await a.read('/api/global?populate[menus][populate]=*');
      expect(
        star.menus.map((m: Doc) => [m.title, pluck(m.links, 'label'), (m.page as Doc | null)?.title ?? null]),
      ).toEqual([
        ['Main', ['Home', 'Blog'], 'RT page'],
        ['Footer', [], null],
        ['Legal', ['Terms'], null],
      ]);
      const dotted = await a.read('/api/global?populate=menus.links');
      expect(dotted.menus[0]).toEqual({
        id: anyId,
        title: 'Main',
        links: [
          { id: anyId, label: 'Home', url: '/' },
          { id: anyId, label: 'Blog', url: null },
        ],
      });
      expect(dotted).not.toHaveProperty('defaultSeo');
      // populate=menus alone: nested components and relations are absent.
      const shallow = await a.read('/api/global?populate=menus');
      expect(shallow.menus[0]).toEqual({ id: anyId, title: 'Main' });
    });

    it('a relation inside a component follows the status of its target', async () => {
      const draftOnly = await article({ title: 'RT draft-only page' }, '?status=draft');
      const edited = await article({ title: 'RT published page' });
      await a.update(`/api/articles/${edited}?status=draft`, { title: 'RT published page (draft edit)' });
      const global = await a.update('/api/global?populate[menus][populate][page][fields][0]=title', {
        siteName: 'Site',
        defaultSeo: { metaTitle: 'Default' },
        menus: [
          { title: 'A', page: draftOnly },
          { title: 'B', page: { documentId: edited } },
        ],
      });
      expect((global.menus as Doc[]).map((m) => m.page)).toEqual([
        null,
        { id: anyId, documentId: edited, title: 'RT published page' },
      ]);
      // In a type with draft & publish, the draft's components see the draft targets.
      const landing = (
        await a.create('/api/landings', {
          title: 'RT landing status',
          sections: [
            { __component: 'shared.menu', title: 'A', page: draftOnly },
            { __component: 'shared.menu', title: 'B', page: edited },
          ],
        })
      ).documentId as string;
      const pages = async (status: string) =>
        (
          (
            await a.read(
              `/api/landings/${landing}?populate[sections][on][shared.menu][populate][page][fields][0]=title${status}`,
            )
          ).sections as Doc[]
        ).map((m) => (m.page as Doc | null)?.title ?? null);
      expect(await pages('')).toEqual([null, 'RT published page']);
      expect(await pages('&status=draft')).toEqual(['RT draft-only page', 'RT published page (draft edit)']);
    });

    it('a one-way relation inside a component is not exclusive: several entries and documents may link one page', async () => {
      const page = await article({ title: 'RT shared page' });
      const global = await a.update('/api/global?populate[menus][populate][page][fields][0]=title', {
        siteName: 'Site',
        defaultSeo: { metaTitle: 'Default' },
        menus: [
          { title: 'A', page },
          { title: 'B', page },
        ],
      });
      expect((global.menus as Doc[]).map((m) => (m.page as Doc | null)?.title ?? null)).toEqual([
        'RT shared page',
        'RT shared page',
      ]);
      await a.create('/api/landings', {
        title: 'RT shared page landing',
        sections: [{ __component: 'shared.menu', title: 'C', page }],
      });
      const again = await a.read('/api/global?populate[menus][populate][page][fields][0]=title');
      expect((again.menus as Doc[]).map((m) => (m.page as Doc | null)?.title ?? null)).toEqual([
        'RT shared page',
        'RT shared page',
      ]);
    });

    it('a dynamic zone with nested components, enums, defaults and a relation (landing.sections)', async () => {
      const page = await article({ title: 'RT landing page' });
      const res = await a.post(
        '/api/landings?populate[sections][populate]=*&populate[hero]=true&populate[notes]=true',
        {
          title: 'RT landing',
          hero: { text: 'Welcome', weight: 3 },
          notes: [{ text: 'n1', tone: 'warning' }, { text: 'n2' }],
          sections: [
            { __component: 'shared.callout', text: 'Heads up', tone: 'danger' },
            {
              __component: 'shared.menu',
              title: 'Nav',
              links: [{ label: 'One' }, { label: 'Two', url: '/2' }],
              page,
            },
            { __component: 'shared.quote', title: 'Said' },
          ],
        },
      );
      expect(res.status, res.body).toBe(201);
      const doc = res.json().data;
      expect(doc.hero).toEqual({ id: anyId, tone: 'info', text: 'Welcome', weight: 3 });
      expect(doc.notes).toEqual([
        { id: anyId, tone: 'warning', text: 'n1', weight: null },
        { id: anyId, tone: 'info', text: 'n2', weight: null },
      ]);
      expect(doc.sections).toEqual([
        { __component: 'shared.callout', id: anyId, tone: 'danger', text: 'Heads up', weight: null },
        {
          __component: 'shared.menu',
          id: anyId,
          title: 'Nav',
          links: [
            { id: anyId, label: 'One', url: null },
            { id: anyId, label: 'Two', url: '/2' },
          ],
          page: expect.objectContaining({ documentId: page, title: 'RT landing page' }),
        },
        { __component: 'shared.quote', id: anyId, title: 'Said', body: null },
      ]);
      expect(
        await a.read(
          `/api/landings/${doc.documentId}?populate[sections][populate]=*&populate[hero]=true&populate[notes]=true`,
        ),
      ).toEqual(doc);
    });
  });

  describe('rewrites', () => {
    it('a rewrite replaces the entries; leaving the key out keeps them; null and [] clear them', async () => {
      const id = await article({
        title: 'RW',
        seo: { metaTitle: 'Old' },
        blocks: [
          { __component: 'shared.quote', title: 'old 1' },
          { __component: 'shared.rich-text', body: 'old 2' },
        ],
      });
      const before = await counts();
      await a.update(`/api/articles/${id}`, {
        blocks: [
          { __component: 'shared.rich-text', body: 'new 1' },
          { __component: 'shared.quote', title: 'new 2' },
          { __component: 'shared.quote', title: 'new 3' },
        ],
      });
      const doc = await a.read(`/api/articles/${id}?populate[blocks]=true&populate[seo]=true`);
      expect(doc.blocks.map((b: Doc) => [b.__component, b.title ?? b.body])).toEqual([
        ['shared.rich-text', 'new 1'],
        ['shared.quote', 'new 2'],
        ['shared.quote', 'new 3'],
      ]);
      expect(doc.seo.metaTitle).toBe('Old');
      // Old rows are gone (the draft and the published version each hold their own copy).
      const after = await counts();
      expect(after.components_shared_quotes - before.components_shared_quotes).toBe(2);
      expect(after.components_shared_rich_texts - before.components_shared_rich_texts).toBe(0);
      expect(after.components_shared_seos).toBe(before.components_shared_seos);

      await a.update(`/api/articles/${id}`, { title: 'RW renamed' });
      expect((await a.read(`/api/articles/${id}?populate=blocks`)).blocks.length).toBe(3);
      await a.update(`/api/articles/${id}`, { seo: null, blocks: [] });
      const cleared = await a.read(`/api/articles/${id}?populate[blocks]=true&populate[seo]=true`);
      expect(cleared.seo).toBeNull();
      expect(cleared.blocks).toEqual([]);
      const end = await counts();
      expect(before.components_shared_seos - end.components_shared_seos).toBe(2);
      expect(before.components_shared_quotes - end.components_shared_quotes).toBe(2);
      expect(before.components_shared_rich_texts - end.components_shared_rich_texts).toBe(2);
    });

    it('entries sent back with their ids (as a client resends what it read) are accepted', async () => {
      const created = await a.create('/api/articles?populate[seo]=true&populate[blocks]=true', {
        title: 'RW ids',
        seo: { metaTitle: 'With id' },
        blocks: [{ __component: 'shared.quote', title: 'kept' }],
      });
      const seo = created.seo as Doc;
      const blocks = created.blocks as Doc[];
      const res = await a.put(
        `/api/articles/${created.documentId}?populate[seo]=true&populate[blocks]=true`,
        {
          seo: { ...seo, metaTitle: 'With id, edited' },
          blocks: [...blocks, { __component: 'shared.quote', title: 'added' }],
        },
      );
      expect(res.status, res.body).toBe(200);
      const updated = res.json().data;
      expect(updated.seo).toEqual({ id: anyId, metaTitle: 'With id, edited', metaDescription: null });
      expect(updated.blocks.map((b: Doc) => b.title)).toEqual(['kept', 'added']);
    });

    it('republishing many times leaves exactly one draft and one published copy of the components', async () => {
      const before = await counts();
      const id = await article({
        title: 'RW republish',
        seo: { metaTitle: 's' },
        blocks: [{ __component: 'shared.quote', title: 'q' }],
      });
      for (let i = 0; i < 4; i++) await a.update(`/api/articles/${id}`, { title: `RW republish ${i}` });
      const after = await counts();
      expect(after.components_shared_seos - before.components_shared_seos).toBe(2);
      expect(after.components_shared_quotes - before.components_shared_quotes).toBe(2);
    });
  });

  describe('validation inside components', () => {
    it('required inside a component is enforced when publishing, not for drafts', async () => {
      expectFieldErrors(
        await a.post('/api/articles', { title: 'VAL required', seo: { metaDescription: 'no title' } }),
        [['seo', 'metaTitle']],
      );
      expectFieldErrors(await a.post('/api/articles', { title: 'VAL required', seo: { metaTitle: '' } }), [
        ['seo', 'metaTitle'],
      ]);
      const draft = await a.create('/api/articles?status=draft&populate=seo', {
        title: 'VAL required draft',
        seo: { metaDescription: 'no title' },
      });
      expect(draft.seo).toEqual({ id: anyId, metaTitle: null, metaDescription: 'no title' });
      // A type without draft & publish always validates as published: nested repeatable paths.
      expectFieldErrors(
        await a.put('/api/global', {
          siteName: 'S',
          defaultSeo: { metaTitle: 'ok' },
          menus: [
            { title: 'ok', links: [{ label: 'fine' }] },
            { title: 'bad', links: [{ label: 'fine' }, { url: '/x' }] },
          ],
        }),
        [['menus', 1, 'links', 1, 'label']],
      );
      // Inside a dynamic zone entry.
      expectFieldErrors(
        await a.post('/api/landings', {
          title: 'VAL zone',
          sections: [{ __component: 'shared.quote' }, { __component: 'shared.callout', tone: 'info' }],
        }),
        [['sections', 1, 'text']],
      );
      expect(
        (
          await a.post('/api/landings?status=draft', {
            title: 'VAL zone',
            sections: [{ __component: 'shared.callout' }],
          })
        ).status,
      ).toBe(201);
    });

    it('publishing a stored draft validates its components too', async () => {
      const draft = await a.create('/api/articles?status=draft', {
        title: 'VAL publish draft',
        seo: { metaDescription: 'no title' },
      });
      expectFieldErrors(await a.put(`/api/articles/${draft.documentId}`, {}), [['seo', 'metaTitle']]);
      expect((await a.get(`/api/articles/${draft.documentId}`)).status).toBe(404);
      const zone = await a.create('/api/landings?status=draft', {
        title: 'VAL publish zone',
        sections: [{ __component: 'shared.menu', links: [{ url: '/no-label' }] }],
      });
      expectFieldErrors(await a.put(`/api/landings/${zone.documentId}`, { title: 'VAL publish zone' }), [
        ['sections', 0, 'links', 0, 'label'],
      ]);
      expect((await a.get(`/api/landings/${zone.documentId}`)).status).toBe(404);
    });

    it('a required single component must be present when publishing', async () => {
      const res = await a.put('/api/global', { siteName: 'S', defaultSeo: null });
      expect(res.status, res.body).toBe(400);
      expect(res.json().error.details.errors.map((e: { path: unknown }) => e.path)).toContainEqual([
        'defaultSeo',
      ]);
    });

    it('lengths, enums and numeric bounds report the full path, for drafts too', async () => {
      const long = 'x'.repeat(161);
      for (const query of ['', '?status=draft']) {
        expectFieldErrors(
          await a.post(`/api/articles${query}`, {
            title: 'VAL length',
            seo: { metaTitle: 'ok', metaDescription: long },
          }),
          [['seo', 'metaDescription']],
        );
        expectFieldErrors(
          await a.post(`/api/landings${query}`, {
            title: 'VAL enum',
            sections: [
              { __component: 'shared.quote' },
              { __component: 'shared.callout', text: 'fine', tone: 'loud' },
            ],
          }),
          [['sections', 1, 'tone']],
        );
        expectFieldErrors(
          await a.post(`/api/landings${query}`, { title: 'VAL max', hero: { text: 'fine', weight: 11 } }),
          [['hero', 'weight']],
        );
      }
      expect(
        (
          await a.post('/api/articles', {
            title: 'VAL length',
            seo: { metaTitle: 'ok', metaDescription: 'x'.repeat(160) },
          })
        ).status,
      ).toBe(201);
    });

    it('a given value that breaks a length rule is reported once, not also as missing', async () => {
      // minLength binds published versions only (Strapi v5 skips it for drafts); maxLength binds both.
      expectFieldErrors(await a.post('/api/landings', { title: 'VAL once', hero: { text: 'x' } }), [
        ['hero', 'text'],
      ]);
      expect(
        (await a.post('/api/landings?status=draft', { title: 'VAL once', hero: { text: 'x' } })).status,
      ).toBe(201);
      for (const query of ['', '?status=draft']) {
        expectFieldErrors(
          await a.post(`/api/landings${query}`, {
            title: 'VAL once',
            notes: [{ text: 'ok' }, { text: 'y'.repeat(41) }],
          }),
          [['notes', 1, 'text']],
        );
      }
    });

    it('all errors are reported together', async () => {
      const res = await a.post('/api/landings', {
        title: 'VAL many',
        hero: { text: 'fine', weight: -1 },
        sections: [
          { __component: 'shared.callout', text: 'ok', tone: 'nope' },
          { __component: 'shared.menu', links: [{ url: '/no-label' }] },
        ],
      });
      const errors = expectFieldErrors(res, [
        ['hero', 'weight'],
        ['sections', 0, 'tone'],
        ['sections', 1, 'links', 0, 'label'],
      ]);
      expect(res.json().error.message).toBe(`${errors.length} errors occurred`);
    });

    it('repeatable min/max and dynamic-zone max report the attribute path', async () => {
      const links = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `L${i}` }));
      expectFieldErrors(
        await a.put('/api/global', {
          siteName: 'S',
          defaultSeo: { metaTitle: 'ok' },
          menus: [{ title: 'M', links: links(6) }],
        }),
        [['menus', 0, 'links']],
      );
      expect(
        (
          await a.put('/api/global', {
            siteName: 'S',
            defaultSeo: { metaTitle: 'ok' },
            menus: [{ title: 'M', links: links(5) }],
          })
        ).status,
      ).toBe(200);
      expectFieldErrors(
        await a.post('/api/landings', {
          title: 'VAL notes',
          notes: [{ text: 'a1' }, { text: 'a2' }, { text: 'a3' }, { text: 'a4' }],
        }),
        [['notes']],
      );
      // As in Strapi, `min` binds an empty list only when the attribute is required (notes is not).
      expect((await a.post('/api/landings', { title: 'VAL notes', notes: [] })).status).toBe(201);
      const quote = { __component: 'shared.quote' };
      expectFieldErrors(
        await a.post('/api/landings', {
          title: 'VAL zone max',
          sections: [quote, quote, quote, quote, quote],
        }),
        [['sections']],
      );
      expect(
        (await a.post('/api/landings', { title: 'VAL zone max', sections: [quote, quote, quote, quote] }))
          .status,
      ).toBe(201);
    });

    it('an unknown key inside a component is 400 Invalid key', async () => {
      const cases: [string, object, string][] = [
        ['/api/articles', { title: 'VAL key', seo: { metaTitle: 'ok', nope: 1 } }, 'nope'],
        [
          '/api/articles',
          { title: 'VAL key', blocks: [{ __component: 'shared.quote', title: 'ok', colour: 'red' }] },
          'colour',
        ],
        [
          '/api/landings',
          {
            title: 'VAL key',
            sections: [{ __component: 'shared.menu', links: [{ label: 'x', target: '_blank' }] }],
          },
          'target',
        ],
        ['/api/articles', { title: 'VAL key', seo: { metaTitle: 'ok', documentId: 'abc' } }, 'documentId'],
      ];
      for (const [url, data, key] of cases) {
        const res = await a.post(url, data);
        const error = expectError(res, 400, 'ValidationError');
        expect(error.message).toMatch(new RegExp(`^Invalid key ${key}( at \\S+)?$`));
        expect(error.details).toMatchObject({ key, source: 'body' });
      }
      expect(await a.list('/api/articles?filters[title][$eq]=VAL key&status=draft')).toEqual([]);
    });

    it('an unknown, missing or disallowed __component is a 400 naming the entry', async () => {
      const cases: [unknown, (string | number)[]][] = [
        [{ __component: 'shared.nope', title: 'x' }, ['blocks', 1, '__component']],
        [{ __component: 'shared.seo', metaTitle: 'not allowed here' }, ['blocks', 1, '__component']],
        [{ __component: 'shared.callout', text: 'not in this zone' }, ['blocks', 1, '__component']],
        [{ title: 'no component' }, ['blocks', 1, '__component']],
        [{ __component: 42 }, ['blocks', 1, '__component']],
      ];
      for (const [entry, path] of cases) {
        const res = await a.post('/api/articles', {
          title: 'VAL dz',
          blocks: [{ __component: 'shared.quote', title: 'ok' }, entry],
        });
        expectFieldErrors(res, [path]);
      }
      expect(await a.list('/api/articles?filters[title][$eq]=VAL dz&status=draft')).toEqual([]);
    });

    it('wrongly shaped component values are 400s', async () => {
      const cases: [string, object][] = [
        ['/api/articles', { title: 'VAL shape', seo: 'just a string' }],
        ['/api/articles', { title: 'VAL shape', seo: [{ metaTitle: 'array for a single component' }] }],
        ['/api/articles', { title: 'VAL shape', blocks: { __component: 'shared.quote' } }],
        ['/api/articles', { title: 'VAL shape', blocks: ['shared.quote'] }],
        ['/api/articles', { title: 'VAL shape', blocks: [null] }],
        ['/api/landings', { title: 'VAL shape', notes: { text: 'object for a repeatable' } }],
        ['/api/landings', { title: 'VAL shape', notes: [42] }],
      ];
      for (const [url, data] of cases) {
        const res = await a.post(url, data);
        expectError(res, 400, 'ValidationError');
      }
      expect(await a.list('/api/articles?filters[title][$eq]=VAL shape&status=draft')).toEqual([]);
    });
  });

  describe('draft and published versions', () => {
    it('components of the draft and the published version are independent until publishing', async () => {
      const id = await article({
        title: 'DP',
        seo: { metaTitle: 'v1' },
        blocks: [{ __component: 'shared.quote', title: 'v1 quote' }],
      });
      const q = '?populate[seo]=true&populate[blocks]=true';
      const published1 = await a.read(`/api/articles/${id}${q}`);
      const draft1 = await a.read(`/api/articles/${id}${q}&status=draft`);
      expect(published1.seo.metaTitle).toBe('v1');
      expect(draft1.seo.metaTitle).toBe('v1');
      expect(draft1.seo.id).not.toBe(published1.seo.id);
      expect(draft1.blocks[0].id).not.toBe(published1.blocks[0].id);

      await a.update(`/api/articles/${id}?status=draft`, {
        seo: { metaTitle: 'v2' },
        blocks: [
          { __component: 'shared.rich-text', body: 'v2 text' },
          { __component: 'shared.quote', title: 'v2 quote' },
        ],
      });
      const published2 = await a.read(`/api/articles/${id}${q}`);
      expect(published2).toEqual(published1);
      const draft2 = await a.read(`/api/articles/${id}${q}&status=draft`);
      expect(draft2.seo.metaTitle).toBe('v2');
      expect(draft2.blocks.map((b: Doc) => b.__component)).toEqual(['shared.rich-text', 'shared.quote']);

      await a.update(`/api/articles/${id}`, {});
      const published3 = await a.read(`/api/articles/${id}${q}`);
      const draft3 = await a.read(`/api/articles/${id}${q}&status=draft`);
      const strip = (doc: Doc) => ({
        seo: { ...(doc.seo as Doc), id: 0 },
        blocks: (doc.blocks as Doc[]).map((b) => ({ ...b, id: 0 })),
      });
      expect(strip(published3)).toEqual(strip(draft3));
      expect(published3.seo.metaTitle).toBe('v2');
      expect(published3.seo.id).not.toBe(draft3.seo.id);
      // Filters through components see each version's own rows.
      const find = async (title: string, status = '') =>
        pluck(
          await a.list(
            `/api/articles?filters[title][$eq]=DP&filters[seo][metaTitle][$eq]=${title}&fields[0]=title${status}`,
          ),
        );
      await a.update(`/api/articles/${id}?status=draft`, { seo: { metaTitle: 'v3' } });
      expect(await find('v2')).toEqual(['DP']);
      expect(await find('v3')).toEqual([]);
      expect(await find('v3', '&status=draft')).toEqual(['DP']);
    });
  });

  describe('deleting', () => {
    it('deleting a document deletes its component rows (draft and published), nested ones and their links', async () => {
      const page = await article({ title: 'DEL page' });
      const before = await counts();
      const landing = (
        await a.create('/api/landings', {
          title: 'DEL landing',
          hero: { text: 'hero' },
          notes: [{ text: 'n1' }],
          sections: [
            { __component: 'shared.menu', title: 'M', links: [{ label: 'a' }, { label: 'b' }], page },
            { __component: 'shared.callout', text: 'cc' },
            { __component: 'shared.quote', title: 'q' },
          ],
        })
      ).documentId as string;
      const id = await article({
        title: 'DEL article',
        seo: { metaTitle: 's' },
        blocks: [
          { __component: 'shared.quote', title: 'q' },
          { __component: 'shared.rich-text', body: 'r' },
          { __component: 'shared.media' },
          { __component: 'shared.slider' },
        ],
      });
      const during = await counts();
      // Each published document holds two copies (draft + published).
      expect(during.components_shared_callouts - before.components_shared_callouts).toBe(6);
      expect(during.components_shared_menus - before.components_shared_menus).toBe(2);
      expect(during.components_shared_links - before.components_shared_links).toBe(4);
      expect(during.components_shared_menus_page_lnk - before.components_shared_menus_page_lnk).toBe(2);
      expect(during.components_shared_quotes - before.components_shared_quotes).toBe(4);
      expect(during.components_shared_seos - before.components_shared_seos).toBe(2);
      expect(during.components_shared_media - before.components_shared_media).toBe(2);
      expect(during.components_shared_sliders - before.components_shared_sliders).toBe(2);

      await a.remove(`/api/landings/${landing}`);
      await a.remove(`/api/articles/${id}`);
      expect(await counts()).toEqual(before);
    });

    it('deleting an article clears a component relation that pointed at it', async () => {
      const page = await article({ title: 'DEL2 page' });
      await a.update('/api/global', {
        siteName: 'S',
        defaultSeo: { metaTitle: 'ok' },
        menus: [{ title: 'M', page }],
      });
      await a.remove(`/api/articles/${page}`);
      const global = await a.read('/api/global?populate[menus][populate][page]=true');
      expect(global.menus).toEqual([{ id: anyId, title: 'M', page: null }]);
    });

    it('deleting the single type leaves every component table empty of its rows', async () => {
      await a.update('/api/global', {
        siteName: 'S',
        defaultSeo: { metaTitle: 'ok' },
        menus: [{ title: 'M', links: [{ label: 'a' }], page: await article({ title: 'DEL3 page' }) }],
      });
      await a.remove('/api/global');
      expect((await a.get('/api/global')).status).toBe(404);
      const { rows } = await sql<{ n: number | string }>`
        select (select count(*) from components_shared_seos where parent_type = 'api::global.global')
             + (select count(*) from components_shared_menus where parent_type = 'api::global.global') as n`.execute(
        t.node.database.db,
      );
      expect(Number(rows[0].n)).toBe(0);
      // Landings and articles created in this file still own their rows; the global's nested rows went too.
      const { rows: orphans } = await sql<{ n: number | string }>`
        select count(*) as n from components_shared_links l
        where l.parent_type = 'shared.menu' and not exists (select 1 from components_shared_menus m where m.id = l.parent_id)`.execute(
        t.node.database.db,
      );
      expect(Number(orphans[0].n)).toBe(0);
      const { rows: links } = await sql<{ n: number | string }>`
        select count(*) as n from components_shared_menus_page_lnk l
        where not exists (select 1 from components_shared_menus m where m.id = l.source_id)`.execute(
        t.node.database.db,
      );
      expect(Number(links[0].n)).toBe(0);
    });
  });
});
