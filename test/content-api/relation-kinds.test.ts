import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInvalidKey, type Doc } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { api, pluck, type Api } from '../helpers/relations.js';

/*
 * Each relation kind of the `relations` fixture, read from both sides, and how relations follow the
 * draft/published status of the request (reference §3.1, §3.5, §4, §5.3):
 *   article.author   manyToOne  ↔ author.articles  oneToMany (mappedBy)
 *   article.category manyToOne  ↔ category.articles oneToMany (mappedBy; categories have no D&P)
 *   article.tags     manyToMany ↔ tag.articles     manyToMany (mappedBy)
 *   author.profile   oneToOne   ↔ profile.author   oneToOne (mappedBy)
 *   article.reviewer oneToOne one-way, article.related manyToMany one-way (self), article.parent manyToOne one-way (self)
 * Articles and authors have draft & publish; categories, tags and profiles do not.
 * Every test creates its own documents with a title/name prefix, so tests do not see each other's data.
 */

const AUTHOR_KEYS = ['id', 'documentId', 'name', 'createdAt', 'updatedAt', 'publishedAt'];
const PROFILE_KEYS = ['id', 'documentId', 'bio', 'createdAt', 'updatedAt', 'publishedAt'];
const TAG_KEYS = ['id', 'documentId', 'name', 'createdAt', 'updatedAt', 'publishedAt'];
const ARTICLE_KEYS = ['id', 'documentId', 'title', 'slug', 'createdAt', 'updatedAt', 'publishedAt'];

describeEachDatabase('relation kinds', (kind) => {
  let t: TestNode;
  let a: Api;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    a = api(t);
  });
  afterAll(() => t.close());

  const author = async (name: string, options: { draft?: boolean; data?: object } = {}) =>
    (await a.create(`/api/authors${options.draft ? '?status=draft' : ''}`, { name, ...options.data }))
      .documentId as string;
  const article = async (title: string, data: object = {}, options: { draft?: boolean } = {}) =>
    (await a.create(`/api/articles${options.draft ? '?status=draft' : ''}`, { title, ...data }))
      .documentId as string;
  const tag = async (name: string) => (await a.create('/api/tags', { name })).documentId as string;
  const profile = async (bio: string) => (await a.create('/api/profiles', { bio })).documentId as string;
  const category = async (name: string) => (await a.create('/api/categories', { name })).documentId as string;
  /** Titles of the articles whose title starts with `prefix`, in id order, for a query suffix. */
  const titles = async (prefix: string, query = '') =>
    pluck(
      await a.list(
        `/api/articles?filters[title][$startsWith]=${encodeURIComponent(prefix)}&fields[0]=title${query}`,
      ),
    );

  describe('manyToOne ↔ oneToMany (article.author ↔ author.articles)', () => {
    it('populates the owner side as an object or null, with the related document’s own keys', async () => {
      const ada = await author('MO Ada');
      const first = await article('MO first', { author: ada });
      const lonely = await article('MO lonely');
      const adaDoc = await a.read(`/api/authors/${ada}`);

      const doc = await a.read(`/api/articles/${first}?populate=author`);
      expect(doc.author).toEqual(adaDoc);
      expect(Object.keys(doc.author)).toEqual(AUTHOR_KEYS);
      expect(doc.author.publishedAt).toEqual(expect.any(String));
      expect((await a.read(`/api/articles/${lonely}?populate=author`)).author).toBeNull();
    });

    it('populates the inverse side as a list in connection order, and an empty list when nothing links', async () => {
      const ada = await author('MO2 Ada');
      const bob = await author('MO2 Bob');
      const nobody = await author('MO2 Nobody');
      await article('MO2 a1', { author: ada });
      await article('MO2 b1', { author: bob });
      await article('MO2 a2', { author: ada });
      await article('MO2 a3', { author: { documentId: ada } });

      const adaDoc = await a.read(`/api/authors/${ada}?populate=articles`);
      expect(pluck(adaDoc.articles)).toEqual(['MO2 a1', 'MO2 a2', 'MO2 a3']);
      for (const item of adaDoc.articles) expect(Object.keys(item)).toEqual(ARTICLE_KEYS);
      expect(pluck((await a.read(`/api/authors/${bob}?populate=articles`)).articles)).toEqual(['MO2 b1']);
      expect((await a.read(`/api/authors/${nobody}?populate=articles`)).articles).toEqual([]);

      const listed = await a.list(
        `/api/authors?filters[name][$startsWith]=MO2&populate[articles][fields][0]=title&sort=name`,
      );
      expect(listed.map((d) => [d.name, pluck(d.articles)])).toEqual([
        ['MO2 Ada', ['MO2 a1', 'MO2 a2', 'MO2 a3']],
        ['MO2 Bob', ['MO2 b1']],
        ['MO2 Nobody', []],
      ]);
    });

    it('moves an article between authors when the owner side changes', async () => {
      const ada = await author('MO3 Ada');
      const bob = await author('MO3 Bob');
      const moved = await article('MO3 moved', { author: ada });
      await article('MO3 stays', { author: ada });
      await a.update(`/api/articles/${moved}`, { author: bob });
      expect(pluck((await a.read(`/api/authors/${ada}?populate=articles`)).articles)).toEqual(['MO3 stays']);
      expect(pluck((await a.read(`/api/authors/${bob}?populate=articles`)).articles)).toEqual(['MO3 moved']);
      for (const status of ['', '&status=draft']) {
        expect((await a.read(`/api/articles/${moved}?populate=author${status}`)).author.name).toBe('MO3 Bob');
      }
    });

    it('writes from the inverse side: connecting an article to an author takes it from its previous author', async () => {
      const ada = await author('MO4 Ada');
      const bob = await author('MO4 Bob');
      const x = await article('MO4 x', { author: ada });
      await article('MO4 y', { author: ada });
      await a.update(`/api/authors/${bob}`, { articles: { connect: [x] } });
      for (const status of ['', '&status=draft']) {
        expect(pluck((await a.read(`/api/authors/${ada}?populate=articles${status}`)).articles)).toEqual([
          'MO4 y',
        ]);
        expect(pluck((await a.read(`/api/authors/${bob}?populate=articles${status}`)).articles)).toEqual([
          'MO4 x',
        ]);
        expect((await a.read(`/api/articles/${x}?populate=author${status}`)).author.documentId).toBe(bob);
      }
    });

    it('a oneToMany inverse side on a type without draft & publish (category.articles) keeps one category per article', async () => {
      const news = await category('MO5 news');
      const sport = await category('MO5 sport');
      const x = await article('MO5 x', { category: news });
      await article('MO5 y', { category: news });
      expect(pluck((await a.read(`/api/categories/${news}?populate=articles`)).articles)).toEqual([
        'MO5 x',
        'MO5 y',
      ]);
      await a.update(`/api/categories/${sport}`, { articles: { connect: [{ documentId: x }] } });
      expect(pluck((await a.read(`/api/categories/${news}?populate=articles`)).articles)).toEqual(['MO5 y']);
      expect(pluck((await a.read(`/api/categories/${sport}?populate=articles`)).articles)).toEqual(['MO5 x']);
      for (const status of ['', '&status=draft']) {
        expect((await a.read(`/api/articles/${x}?populate=category${status}`)).category.name).toBe(
          'MO5 sport',
        );
      }
    });
  });

  describe('manyToMany two-way (article.tags ↔ tag.articles)', () => {
    it('keeps the written order on the owner side and the connection order on the inverse side', async () => {
      const [t1, t2, t3] = [await tag('MM t1'), await tag('MM t2'), await tag('MM t3')];
      const b1 = await article('MM b1', { tags: [t2, t1] });
      await article('MM b2', { tags: [t1, t3] });
      await article('MM b3', { tags: [t3, t2, t1] });

      const doc = await a.read(`/api/articles/${b1}?populate=tags`);
      expect(pluck(doc.tags, 'name')).toEqual(['MM t2', 'MM t1']);
      for (const item of doc.tags) expect(Object.keys(item)).toEqual(TAG_KEYS);
      expect(pluck((await a.read(`/api/tags/${t1}?populate=articles`)).articles)).toEqual([
        'MM b1',
        'MM b2',
        'MM b3',
      ]);
      expect(pluck((await a.read(`/api/tags/${t2}?populate=articles`)).articles)).toEqual(['MM b1', 'MM b3']);
      expect(pluck((await a.read(`/api/tags/${t3}?populate=articles`)).articles)).toEqual(['MM b2', 'MM b3']);

      const listed = await a.list(
        `/api/articles?filters[title][$startsWith]=MM&fields[0]=title&populate[tags][fields][0]=name`,
      );
      expect(listed.map((d) => [d.title, pluck(d.tags, 'name')])).toEqual([
        ['MM b1', ['MM t2', 'MM t1']],
        ['MM b2', ['MM t1', 'MM t3']],
        ['MM b3', ['MM t3', 'MM t2', 'MM t1']],
      ]);
    });

    it('writes from the inverse side and shows it on the owner side, appended to the owner’s list', async () => {
      const [t1, t2] = [await tag('MM2 t1'), await tag('MM2 t2')];
      const b1 = await article('MM2 b1', { tags: [t1] });
      const b2 = await article('MM2 b2');
      await a.update(`/api/tags/${t2}`, { articles: [b2, b1] });
      expect(pluck((await a.read(`/api/tags/${t2}?populate=articles`)).articles)).toEqual([
        'MM2 b2',
        'MM2 b1',
      ]);
      for (const status of ['', '&status=draft']) {
        expect(pluck((await a.read(`/api/articles/${b1}?populate=tags${status}`)).tags, 'name')).toEqual([
          'MM2 t1',
          'MM2 t2',
        ]);
        expect(pluck((await a.read(`/api/articles/${b2}?populate=tags${status}`)).tags, 'name')).toEqual([
          'MM2 t2',
        ]);
      }
      // A tag may belong to many articles: nothing was taken from anyone.
      expect(pluck((await a.read(`/api/tags/${t1}?populate=articles`)).articles)).toEqual(['MM2 b1']);
      await a.update(`/api/tags/${t2}`, { articles: { disconnect: [b1] } });
      expect(pluck((await a.read(`/api/articles/${b1}?populate=tags`)).tags, 'name')).toEqual(['MM2 t1']);
      expect(pluck((await a.read(`/api/tags/${t2}?populate=articles`)).articles)).toEqual(['MM2 b2']);
    });

    it('keeps the order after set, positional connects and republishing', async () => {
      const tags = [await tag('MM3 t0'), await tag('MM3 t1'), await tag('MM3 t2'), await tag('MM3 t3')];
      const b = await article('MM3 b', { tags: [tags[2], tags[0], tags[1]] });
      const names = async (status = '') =>
        pluck((await a.read(`/api/articles/${b}?populate=tags${status}`)).tags, 'name');
      expect(await names()).toEqual(['MM3 t2', 'MM3 t0', 'MM3 t1']);
      await a.update(`/api/articles/${b}`, {
        tags: { connect: [{ documentId: tags[3], position: { before: tags[0] } }] },
      });
      expect(await names()).toEqual(['MM3 t2', 'MM3 t3', 'MM3 t0', 'MM3 t1']);
      await a.update(`/api/articles/${b}`, {
        tags: { connect: [{ documentId: tags[1], position: { start: true } }] },
      });
      expect(await names()).toEqual(['MM3 t1', 'MM3 t2', 'MM3 t3', 'MM3 t0']);
      // Republishing without touching the relation keeps it as it was, in both versions.
      await a.update(`/api/articles/${b}`, { title: 'MM3 b' });
      expect(await names()).toEqual(['MM3 t1', 'MM3 t2', 'MM3 t3', 'MM3 t0']);
      expect(await names('&status=draft')).toEqual(['MM3 t1', 'MM3 t2', 'MM3 t3', 'MM3 t0']);
      await a.update(`/api/articles/${b}`, { tags: [tags[0], tags[3]] });
      expect(await names()).toEqual(['MM3 t0', 'MM3 t3']);
    });
  });

  describe('oneToOne two-way (author.profile ↔ profile.author)', () => {
    it('populates both sides as objects or null', async () => {
      const p1 = await profile('OO p1');
      const p2 = await profile('OO p2');
      const c = await author('OO C', { data: { profile: p1 } });

      const cDoc = await a.read(`/api/authors/${c}?populate=profile`);
      expect(Object.keys(cDoc.profile)).toEqual(PROFILE_KEYS);
      expect(cDoc.profile).toEqual(await a.read(`/api/profiles/${p1}`));
      const p1Doc = await a.read(`/api/profiles/${p1}?populate=author`);
      expect(Object.keys(p1Doc.author)).toEqual(AUTHOR_KEYS);
      expect(p1Doc.author).toEqual(await a.read(`/api/authors/${c}`));
      expect((await a.read(`/api/profiles/${p2}?populate=author`)).author).toBeNull();
    });

    it('linking a profile to a new author unlinks it from the previous one (owner side)', async () => {
      const p = await profile('OO2 p');
      const c = await author('OO2 C', { data: { profile: p } });
      const d = await author('OO2 D', { data: { profile: p } });
      for (const status of ['', '&status=draft']) {
        expect((await a.read(`/api/authors/${c}?populate=profile${status}`)).profile).toBeNull();
        expect((await a.read(`/api/authors/${d}?populate=profile${status}`)).profile.bio).toBe('OO2 p');
      }
      expect((await a.read(`/api/profiles/${p}?populate=author`)).author.name).toBe('OO2 D');
    });

    it('writing the inverse side replaces the author’s previous profile and takes the author from its previous profile', async () => {
      const p1 = await profile('OO3 p1');
      const p2 = await profile('OO3 p2');
      const c = await author('OO3 C', { data: { profile: p1 } });
      await a.update(`/api/profiles/${p2}`, { author: c });
      expect((await a.read(`/api/authors/${c}?populate=profile`)).profile.bio).toBe('OO3 p2');
      expect((await a.read(`/api/authors/${c}?populate=profile&status=draft`)).profile.bio).toBe('OO3 p2');
      expect((await a.read(`/api/profiles/${p1}?populate=author`)).author).toBeNull();
      expect((await a.read(`/api/profiles/${p2}?populate=author`)).author.name).toBe('OO3 C');
      await a.update(`/api/profiles/${p2}`, { author: null });
      expect((await a.read(`/api/authors/${c}?populate=profile`)).profile).toBeNull();
      expect((await a.read(`/api/profiles/${p2}?populate=author`)).author).toBeNull();
    });

    it('a draft-only link takes the profile from the previous owner’s draft only, until it is published', async () => {
      const p = await profile('OO4 p');
      const c = await author('OO4 C', { data: { profile: p } });
      const d = await author('OO4 D');
      await a.update(`/api/authors/${d}?status=draft`, { profile: p });
      expect((await a.read(`/api/authors/${d}?populate=profile&status=draft`)).profile.bio).toBe('OO4 p');
      expect((await a.read(`/api/authors/${d}?populate=profile`)).profile).toBeNull();
      expect((await a.read(`/api/authors/${c}?populate=profile&status=draft`)).profile).toBeNull();
      expect((await a.read(`/api/authors/${c}?populate=profile`)).profile.bio).toBe('OO4 p');
      expect((await a.read(`/api/profiles/${p}?populate=author`)).author.name).toBe('OO4 C');
      // Publishing D's draft moves the profile in the published versions too.
      await a.update(`/api/authors/${d}`, {});
      expect((await a.read(`/api/authors/${d}?populate=profile`)).profile.bio).toBe('OO4 p');
      expect((await a.read(`/api/authors/${c}?populate=profile`)).profile).toBeNull();
      expect((await a.read(`/api/profiles/${p}?populate=author`)).author.name).toBe('OO4 D');
    });
  });

  describe('one-way relations', () => {
    it('oneToOne one-way (article.reviewer) populates an object or null and has no inverse attribute', async () => {
      const rev = await author('OW Rev');
      const r1 = await article('OW r1', { reviewer: rev });
      const r0 = await article('OW r0');
      const doc = await a.read(`/api/articles/${r1}?populate=reviewer`);
      expect(Object.keys(doc.reviewer)).toEqual(AUTHOR_KEYS);
      expect(doc.reviewer.name).toBe('OW Rev');
      expect((await a.read(`/api/articles/${r0}?populate=reviewer`)).reviewer).toBeNull();
      expectInvalidKey(await a.get(`/api/authors/${rev}?populate=reviewer`), 'reviewer', 'populate');
    });

    it('a one-way oneToOne is not exclusive: two articles may name the same reviewer (Strapi only unlinks two-way relations)', async () => {
      const rev = await author('OW2 Rev');
      const r1 = await article('OW2 r1', { reviewer: rev });
      const r2 = await article('OW2 r2', { reviewer: rev });
      expect((await a.read(`/api/articles/${r2}?populate=reviewer`)).reviewer.name).toBe('OW2 Rev');
      expect((await a.read(`/api/articles/${r1}?populate=reviewer`)).reviewer?.name).toBe('OW2 Rev');
    });

    it('manyToMany one-way self-relation (article.related) keeps order and does not link back', async () => {
      const x = await article('OW3 x');
      const y = await article('OW3 y');
      const z = await article('OW3 z', { related: [y, x] });
      const doc = await a.read(`/api/articles/${z}?populate=related`);
      expect(pluck(doc.related)).toEqual(['OW3 y', 'OW3 x']);
      for (const item of doc.related) expect(Object.keys(item)).toEqual(ARTICLE_KEYS);
      expect((await a.read(`/api/articles/${x}?populate=related`)).related).toEqual([]);
      // An article may name itself, and the related articles’ own relations populate further.
      await a.update(`/api/articles/${y}`, { related: [y, z] });
      const nested = await a.read(
        `/api/articles/${z}?populate[related][fields][0]=title&populate[related][populate][related][fields][0]=title`,
      );
      expect(nested.related.map((d: Doc) => [d.title, pluck(d.related)])).toEqual([
        ['OW3 y', ['OW3 y', 'OW3 z']],
        ['OW3 x', []],
      ]);
      expectInvalidKey(await a.get(`/api/tags?populate=related`), 'related', 'populate');
    });

    it('manyToOne one-way self-relation (article.parent) and its chains', async () => {
      const root = await article('OW4 root');
      const child = await article('OW4 child', { parent: root });
      const grandchild = await article('OW4 grandchild', { parent: { documentId: child } });
      const doc = await a.read(
        `/api/articles/${grandchild}?fields[0]=title&populate[parent][fields][0]=title&populate[parent][populate][parent][fields][0]=title`,
      );
      expect(doc).toEqual({
        id: expect.any(Number),
        documentId: grandchild,
        title: 'OW4 grandchild',
        parent: {
          id: expect.any(Number),
          documentId: child,
          title: 'OW4 child',
          parent: { id: expect.any(Number), documentId: root, title: 'OW4 root' },
        },
      });
      expect((await a.read(`/api/articles/${root}?populate=parent`)).parent).toBeNull();
      // Many children may share one parent.
      await article('OW4 sibling', { parent: root });
      expect(await titles('OW4', `&filters[parent][documentId][$eq]=${root}&sort=title`)).toEqual([
        'OW4 child',
        'OW4 sibling',
      ]);
    });
  });

  describe('deleting a document', () => {
    it('removes it from every relation that pointed at it, in draft and published reads', async () => {
      const ada = await author('DEL Ada');
      const t1 = await tag('DEL t1');
      const t2 = await tag('DEL t2');
      const p = await profile('DEL p');
      await a.update(`/api/authors/${ada}`, { profile: p });
      const target = await article('DEL target', { author: ada, tags: [t1, t2] });
      const other = await article('DEL other', {
        author: ada,
        tags: [t2],
        related: [target],
        parent: target,
        reviewer: ada,
      });

      await a.remove(`/api/articles/${target}`);
      expect((await a.get(`/api/articles/${target}?status=draft`)).status).toBe(404);
      for (const status of ['', '&status=draft']) {
        const doc = await a.read(
          `/api/articles/${other}?populate[related]=true&populate[parent]=true${status}`,
        );
        expect(doc.related).toEqual([]);
        expect(doc.parent).toBeNull();
        expect(pluck((await a.read(`/api/authors/${ada}?populate=articles${status}`)).articles)).toEqual([
          'DEL other',
        ]);
      }
      expect(pluck((await a.read(`/api/tags/${t1}?populate=articles`)).articles)).toEqual([]);
      expect(pluck((await a.read(`/api/tags/${t2}?populate=articles`)).articles)).toEqual(['DEL other']);

      await a.remove(`/api/authors/${ada}`);
      for (const status of ['', '&status=draft']) {
        const doc = await a.read(
          `/api/articles/${other}?populate[author]=true&populate[reviewer]=true${status}`,
        );
        expect(doc.author).toBeNull();
        expect(doc.reviewer).toBeNull();
      }
      expect((await a.read(`/api/profiles/${p}?populate=author`)).author).toBeNull();

      await a.remove(`/api/tags/${t2}`);
      expect((await a.read(`/api/articles/${other}?populate=tags`)).tags).toEqual([]);
      expect((await a.read(`/api/articles/${other}?populate=tags&status=draft`)).tags).toEqual([]);
      // Filters through the removed links no longer match.
      expect(await titles('DEL', `&filters[tags][name][$eq]=DEL t2`)).toEqual([]);
    });

    it('deleting a profile (no draft & publish) clears the author’s side', async () => {
      const p = await profile('DEL2 p');
      const c = await author('DEL2 C', { data: { profile: p } });
      await a.remove(`/api/profiles/${p}`);
      expect((await a.read(`/api/authors/${c}?populate=profile`)).profile).toBeNull();
      expect((await a.read(`/api/authors/${c}?populate=profile&status=draft`)).profile).toBeNull();
    });
  });

  describe('relations and draft & publish', () => {
    it('a published article populates the published version of its author; status=draft populates the draft', async () => {
      const st = await author('ST v1');
      await a.update(`/api/authors/${st}?status=draft`, { name: 'ST v2' });
      const s1 = await article('ST s1', { author: st });
      const published = await a.read(`/api/articles/${s1}?populate=author`);
      expect(published.author.name).toBe('ST v1');
      expect(published.author.publishedAt).toEqual(expect.any(String));
      expect(published.author).toEqual(await a.read(`/api/authors/${st}`));
      const draft = await a.read(`/api/articles/${s1}?populate=author&status=draft`);
      expect(draft.publishedAt).toBeNull();
      expect(draft.author.name).toBe('ST v2');
      expect(draft.author.publishedAt).toBeNull();
      expect(draft.author).toEqual(await a.read(`/api/authors/${st}?status=draft`));
      // Lists behave the same.
      const list = await a.list(`/api/articles?filters[title][$eq]=ST s1&populate[author][fields][0]=name`);
      expect(list.map((d) => d.author)).toEqual([{ id: published.author.id, documentId: st, name: 'ST v1' }]);
      const draftList = await a.list(
        `/api/articles?filters[title][$eq]=ST s1&populate[author][fields][0]=name&status=draft`,
      );
      expect(draftList.map((d) => d.author)).toEqual([
        { id: draft.author.id, documentId: st, name: 'ST v2' },
      ]);
    });

    it('an author that was never published is null in published reads and present in draft reads', async () => {
      const ghost = await author('GH Ghost', { draft: true });
      const seen = await author('GH Seen');
      const g1 = await article('GH g1', { author: ghost, reviewer: ghost });
      const g2 = await article('GH g2', { author: seen });
      expect((await a.get(`/api/authors/${ghost}`)).status).toBe(404);

      const doc = await a.read(`/api/articles/${g1}?populate[author]=true&populate[reviewer]=true`);
      expect(doc.author).toBeNull();
      expect(doc.reviewer).toBeNull();
      const draft = await a.read(
        `/api/articles/${g1}?populate[author]=true&populate[reviewer]=true&status=draft`,
      );
      expect(draft.author.name).toBe('GH Ghost');
      expect(draft.reviewer.name).toBe('GH Ghost');

      const list = await a.list(
        `/api/articles?filters[title][$startsWith]=GH&fields[0]=title&populate[author][fields][0]=name`,
      );
      expect(list.map((d) => [d.title, (d.author as Doc | null)?.name ?? null])).toEqual([
        ['GH g1', null],
        ['GH g2', 'GH Seen'],
      ]);
      // The inverse side reads from the draft author too.
      const ghostDraft = await a.read(`/api/authors/${ghost}?status=draft&populate=articles`);
      expect(pluck(ghostDraft.articles)).toEqual(['GH g1']);
      expect(ghostDraft.articles[0].publishedAt).toBeNull();
      expect(g2).toEqual(expect.any(String));
    });

    it('the inverse side lists the articles of the request’s status', async () => {
      const au = await author('IN author');
      const pub = await article('IN published', { author: au });
      await article('IN draft only', { author: au }, { draft: true });
      await a.update(`/api/articles/${pub}?status=draft`, { title: 'IN published (edited)' });
      expect(pluck((await a.read(`/api/authors/${au}?populate=articles`)).articles)).toEqual([
        'IN published',
      ]);
      expect(pluck((await a.read(`/api/authors/${au}?populate=articles&status=draft`)).articles)).toEqual([
        'IN published (edited)',
        'IN draft only',
      ]);
      expect((await a.read(`/api/authors/${au}?populate[articles][count]=true`)).articles).toEqual({
        count: 1,
      });
      expect(
        (await a.read(`/api/authors/${au}?populate[articles][count]=true&status=draft`)).articles,
      ).toEqual({
        count: 2,
      });
      // A type without draft & publish reads its D&P relations in their published version.
      const tg = await tag('IN tag');
      await a.update(`/api/tags/${tg}`, { articles: [pub] });
      expect(pluck((await a.read(`/api/tags/${tg}?populate=articles`)).articles)).toEqual(['IN published']);
    });

    it('self-relations follow the status too', async () => {
      const hidden = await article('SR hidden', {}, { draft: true });
      const shown = await article('SR shown');
      const x = await article('SR x', { related: [hidden, shown], parent: hidden });
      const published = await a.read(`/api/articles/${x}?populate[related]=true&populate[parent]=true`);
      expect(pluck(published.related)).toEqual(['SR shown']);
      expect(published.parent).toBeNull();
      const draft = await a.read(
        `/api/articles/${x}?populate[related]=true&populate[parent]=true&status=draft`,
      );
      expect(pluck(draft.related)).toEqual(['SR hidden', 'SR shown']);
      expect(draft.parent.title).toBe('SR hidden');
      // Once the hidden article is published, the published reads see it (links join documents).
      await a.update(`/api/articles/${hidden}`, {});
      expect(pluck((await a.read(`/api/articles/${x}?populate=related`)).related)).toEqual([
        'SR hidden',
        'SR shown',
      ]);
    });

    it('relation filters match the related documents of the request’s status', async () => {
      const fa = await author('RF published name');
      await a.update(`/api/authors/${fa}?status=draft`, { name: 'RF draft name' });
      const fb = await author('RF other');
      await article('RF f1', { author: fa });
      await article('RF f2', { author: fb });
      const q = (name: string, status = '') => titles('RF', `&filters[author][name][$eq]=${name}${status}`);
      expect(await q('RF published name')).toEqual(['RF f1']);
      expect(await q('RF draft name')).toEqual([]);
      expect(await q('RF draft name', '&status=draft')).toEqual(['RF f1']);
      expect(await q('RF published name', '&status=draft')).toEqual([]);
      expect(await q('RF other', '&status=draft')).toEqual(['RF f2']);
      // Inside populate as well.
      const doc = await a.read(
        `/api/authors/${fa}?status=draft&populate[articles][filters][title][$eq]=RF f1&populate[articles][fields][0]=title`,
      );
      expect(doc.articles).toEqual([
        { id: expect.any(Number), documentId: expect.any(String), title: 'RF f1' },
      ]);
    });

    it('relation sorts use the related documents of the request’s status', async () => {
      const zed = await author('RS Zed');
      await a.update(`/api/authors/${zed}?status=draft`, { name: 'RS Aaa' });
      const mid = await author('RS Mid');
      await article('RS o1', { author: zed });
      await article('RS o2', { author: mid });
      expect(await titles('RS', '&sort=author.name:asc')).toEqual(['RS o2', 'RS o1']);
      expect(await titles('RS', '&sort=author.name:asc&status=draft')).toEqual(['RS o1', 'RS o2']);
      expect(await titles('RS', '&sort[author][name]=desc')).toEqual(['RS o1', 'RS o2']);
      expect(await titles('RS', '&sort[author][name]=desc&status=draft')).toEqual(['RS o2', 'RS o1']);
    });

    it('inverse-side populate shows each related article in the version of the request’s status', async () => {
      const au = await author('IV author');
      const art = await article('IV v1', { author: au });
      await a.update(`/api/articles/${art}?status=draft`, { title: 'IV v2' });
      expect(pluck((await a.read(`/api/authors/${au}?populate=articles`)).articles)).toEqual(['IV v1']);
      expect(pluck((await a.read(`/api/authors/${au}?populate=articles&status=draft`)).articles)).toEqual([
        'IV v2',
      ]);
      const published = (await a.read(`/api/authors/${au}?populate=articles`)).articles[0];
      expect(published).toEqual(await a.read(`/api/articles/${art}`));
    });
  });
});
