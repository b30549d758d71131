import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { api, expectFieldErrors, pluck, type Api } from '../helpers/relations.js';

/*
 * Every way a body writes a relation (reference §5.3): shorthand documentId, numeric id, arrays, objects
 * with documentId / id, null and [] to clear, connect / disconnect / set, positional connects, writes from
 * the inverse side, and what is refused (missing targets, plugin targets, malformed operations). Writes
 * with status=draft change only the draft; publishing copies the draft's relations.
 */

describeEachDatabase('relation writes', (kind) => {
  let t: TestNode;
  let a: Api;
  /** Tags W0..W9 (no draft & publish), in creation order. */
  const tags: string[] = [];
  const authors: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    a = api(t);
    for (let i = 0; i < 10; i++)
      tags.push((await a.create('/api/tags', { name: `W${i}` })).documentId as string);
    for (const name of ['Ada', 'Bob', 'Cy'])
      authors[name] = (await a.create('/api/authors', { name })).documentId as string;
  });
  afterAll(() => t.close());

  const article = async (title: string, data: object = {}, query = '') =>
    (await a.create(`/api/articles${query}`, { title, ...data })).documentId as string;
  /** Tag names of an article (published unless `status` is given). */
  const tagNames = async (id: string, status = '') =>
    pluck((await a.read(`/api/articles/${id}?populate=tags${status}`)).tags, 'name');
  const authorName = async (id: string, status = '') =>
    ((await a.read(`/api/articles/${id}?populate=author${status}`)).author?.name ?? null) as string | null;
  const rowId = async (plural: string, documentId: string, status = '') =>
    (await a.read(`/api/${plural}/${documentId}${status ? `?status=${status}` : ''}`)).id as number;

  describe('shorthand forms', () => {
    it('a documentId string sets a to-one relation; an array of documentIds sets a to-many one in order', async () => {
      const id = await article('SH1', { author: authors.Ada, tags: [tags[2], tags[0], tags[1]] });
      expect(await authorName(id)).toBe('Ada');
      expect(await tagNames(id)).toEqual(['W2', 'W0', 'W1']);
      expect(await authorName(id, '&status=draft')).toBe('Ada');
      expect(await tagNames(id, '&status=draft')).toEqual(['W2', 'W0', 'W1']);
    });

    it('the write response populates what was written when asked', async () => {
      const res = await a.post(
        '/api/articles?populate[author][fields][0]=name&populate[tags][fields][0]=name',
        {
          title: 'SH2',
          author: authors.Bob,
          tags: [tags[3]],
        },
      );
      expect(res.status, res.body).toBe(201);
      const data = res.json().data;
      expect(data.author).toEqual({
        id: await rowId('authors', authors.Bob),
        documentId: authors.Bob,
        name: 'Bob',
      });
      expect(data.tags).toEqual([{ id: await rowId('tags', tags[3]), documentId: tags[3], name: 'W3' }]);
    });

    it('numeric ids name documents: the published row’s id and the draft row’s id both link the document', async () => {
      const publishedId = await rowId('authors', authors.Cy);
      const draftId = await rowId('authors', authors.Cy, 'draft');
      expect(publishedId).not.toBe(draftId);
      const p = await article('SH3 published id', { author: publishedId });
      const d = await article('SH3 draft id', { author: draftId });
      for (const id of [p, d]) {
        expect(await authorName(id)).toBe('Cy');
        expect(await authorName(id, '&status=draft')).toBe('Cy');
      }
      const tagIds = [await rowId('tags', tags[4]), await rowId('tags', tags[5])];
      const m = await article('SH3 mixed', { tags: [tagIds[1], tags[6], tagIds[0]] });
      expect(await tagNames(m)).toEqual(['W5', 'W6', 'W4']);
    });

    it('objects with documentId or id, alone or in arrays', async () => {
      const id = await article('SH4', {
        author: { documentId: authors.Bob },
        tags: [{ documentId: tags[7] }, { id: await rowId('tags', tags[8]) }],
      });
      expect(await authorName(id)).toBe('Bob');
      expect(await tagNames(id)).toEqual(['W7', 'W8']);
      await a.update(`/api/articles/${id}`, {
        author: { id: await rowId('authors', authors.Ada) },
        tags: { documentId: tags[9] },
      });
      expect(await authorName(id)).toBe('Ada');
      expect(await tagNames(id)).toEqual(['W9']);
    });

    it('null clears a to-one relation, [] clears a to-many relation, and leaving a key out keeps it', async () => {
      const id = await article('SH5', { author: authors.Ada, tags: [tags[0], tags[1]] });
      await a.update(`/api/articles/${id}`, { title: 'SH5 renamed' });
      expect(await authorName(id)).toBe('Ada');
      expect(await tagNames(id)).toEqual(['W0', 'W1']);
      await a.update(`/api/articles/${id}`, { author: null });
      expect(await authorName(id)).toBeNull();
      expect(await tagNames(id)).toEqual(['W0', 'W1']);
      await a.update(`/api/articles/${id}`, { tags: [] });
      expect(await tagNames(id)).toEqual([]);
      expect(await tagNames(id, '&status=draft')).toEqual([]);
      expect(await authorName(id, '&status=draft')).toBeNull();
      // Clearing what is already empty is fine.
      await a.update(`/api/articles/${id}`, { author: null, tags: [] });
      expect(pluck((await a.read(`/api/tags/${tags[0]}?populate=articles`)).articles)).not.toContain(
        'SH5 renamed',
      );
    });

    it('a repeated document in a shorthand list is linked once', async () => {
      const id = await article('SH6', { tags: [tags[1], tags[2], tags[1]] });
      expect(await tagNames(id)).toEqual(['W1', 'W2']);
    });
  });

  describe('connect, disconnect and set', () => {
    it('connect appends, disconnect removes, set replaces', async () => {
      const id = await article('OP1', { tags: [tags[0]] });
      await a.update(`/api/articles/${id}`, { tags: { connect: [tags[1], { documentId: tags[2] }] } });
      expect(await tagNames(id)).toEqual(['W0', 'W1', 'W2']);
      await a.update(`/api/articles/${id}`, {
        tags: { disconnect: [{ documentId: tags[0] }, { id: await rowId('tags', tags[2]) }] },
      });
      expect(await tagNames(id)).toEqual(['W1']);
      await a.update(`/api/articles/${id}`, { tags: { connect: [tags[3]], disconnect: [tags[1]] } });
      expect(await tagNames(id)).toEqual(['W3']);
      await a.update(`/api/articles/${id}`, { tags: { set: [tags[5], tags[4]] } });
      expect(await tagNames(id)).toEqual(['W5', 'W4']);
      await a.update(`/api/articles/${id}`, { tags: { set: [] } });
      expect(await tagNames(id)).toEqual([]);
      // Disconnecting what is not connected and connecting nothing change nothing.
      await a.update(`/api/articles/${id}`, { tags: { connect: [tags[6]] } });
      await a.update(`/api/articles/${id}`, { tags: { disconnect: [tags[7]], connect: [] } });
      expect(await tagNames(id)).toEqual(['W6']);
      expect(await tagNames(id, '&status=draft')).toEqual(['W6']);
    });

    it('connect, disconnect and set on a to-one relation', async () => {
      const id = await article('OP2');
      await a.update(`/api/articles/${id}`, { author: { connect: [authors.Ada] } });
      expect(await authorName(id)).toBe('Ada');
      await a.update(`/api/articles/${id}`, { author: { connect: [{ documentId: authors.Bob }] } });
      expect(await authorName(id)).toBe('Bob');
      await a.update(`/api/articles/${id}`, { author: { disconnect: [authors.Ada] } });
      expect(await authorName(id)).toBe('Bob');
      await a.update(`/api/articles/${id}`, { author: { disconnect: [authors.Bob] } });
      expect(await authorName(id)).toBeNull();
      await a.update(`/api/articles/${id}`, { author: { set: [authors.Cy] } });
      expect(await authorName(id)).toBe('Cy');
      await a.update(`/api/articles/${id}`, { author: { set: [] } });
      expect(await authorName(id)).toBeNull();
    });

    it('set combined with connect or disconnect is a 400', async () => {
      const id = await article('OP3', { tags: [tags[0]] });
      for (const tagsValue of [
        { set: [tags[1]], connect: [tags[2]] },
        { set: [tags[1]], disconnect: [tags[0]] },
      ]) {
        const res = await a.put(`/api/articles/${id}`, { tags: tagsValue });
        expectError(res, 400, 'ValidationError');
        expect(res.json().error.details.errors[0].path).toEqual(['tags']);
      }
      expect(await tagNames(id)).toEqual(['W0']);
    });

    it('malformed operations are 400s that name the place, and change nothing', async () => {
      const id = await article('OP4', { author: authors.Ada, tags: [tags[0]] });
      const cases: [object, (string | number)[]][] = [
        [{ tags: { connect: [tags[1]], foo: [] } }, ['tags', 'foo']],
        [{ tags: [tags[1], { name: 'W2' }] }, ['tags', 1, 'name']],
        [{ tags: [tags[1], true] }, ['tags', 1]],
        [{ tags: { connect: [{ documentId: 12 }] } }, ['tags', 'connect', 0, 'documentId']],
        [
          { tags: { disconnect: [{ documentId: tags[0], position: { start: true } }] } },
          ['tags', 'disconnect', 0, 'position'],
        ],
        [{ author: [authors.Bob, authors.Cy] }, ['author']],
        [{ author: { set: [authors.Bob, authors.Cy] } }, ['author']],
        [{ author: 3.5 }, ['author']],
        [{ author: -1 }, ['author']],
        [{ author: '' }, ['author']],
      ];
      for (const [data, path] of cases) {
        const res = await a.put(`/api/articles/${id}`, data);
        expectError(res, 400, 'ValidationError');
        expect(
          res.json().error.details.errors.map((e: { path: unknown }) => e.path),
          JSON.stringify(data),
        ).toContainEqual(path);
      }
      expect(await authorName(id)).toBe('Ada');
      expect(await tagNames(id)).toEqual(['W0']);
    });
  });

  describe('positional connect', () => {
    it('places documents before, after, at the start and at the end', async () => {
      const id = await article('POS1', { tags: [tags[0], tags[1], tags[2]] });
      const connect = (item: object) => a.update(`/api/articles/${id}`, { tags: { connect: [item] } });
      await connect({ documentId: tags[3], position: { before: tags[1] } });
      expect(await tagNames(id)).toEqual(['W0', 'W3', 'W1', 'W2']);
      await connect({ documentId: tags[4], position: { after: tags[1] } });
      expect(await tagNames(id)).toEqual(['W0', 'W3', 'W1', 'W4', 'W2']);
      await connect({ documentId: tags[5], position: { start: true } });
      expect(await tagNames(id)).toEqual(['W5', 'W0', 'W3', 'W1', 'W4', 'W2']);
      await connect({ documentId: tags[6], position: { end: true } });
      expect(await tagNames(id)).toEqual(['W5', 'W0', 'W3', 'W1', 'W4', 'W2', 'W6']);
      // Connecting a document already in the list moves it.
      await connect({ documentId: tags[0], position: { end: true } });
      expect(await tagNames(id)).toEqual(['W5', 'W3', 'W1', 'W4', 'W2', 'W6', 'W0']);
      await connect({ documentId: tags[2], position: { before: tags[5] } });
      expect(await tagNames(id)).toEqual(['W2', 'W5', 'W3', 'W1', 'W4', 'W6', 'W0']);
      // Anchors may be given as objects with documentId or id too.
      await connect({ documentId: tags[7], position: { after: { documentId: tags[3] } } });
      await connect({ id: await rowId('tags', tags[8]), position: { before: await rowId('tags', tags[2]) } });
      expect(await tagNames(id)).toEqual(['W8', 'W2', 'W5', 'W3', 'W7', 'W1', 'W4', 'W6', 'W0']);
      expect(await tagNames(id, '&status=draft')).toEqual([
        'W8',
        'W2',
        'W5',
        'W3',
        'W7',
        'W1',
        'W4',
        'W6',
        'W0',
      ]);
    });

    it('several positional connects in one request apply in order, with disconnects first', async () => {
      const id = await article('POS2', { tags: [tags[0], tags[1], tags[2]] });
      await a.update(`/api/articles/${id}`, {
        tags: {
          disconnect: [tags[1]],
          connect: [
            { documentId: tags[3], position: { after: tags[0] } },
            { documentId: tags[4], position: { before: tags[3] } },
            { documentId: tags[5], position: { start: true } },
            tags[6],
          ],
        },
      });
      expect(await tagNames(id)).toEqual(['W5', 'W0', 'W4', 'W3', 'W2', 'W6']);
    });

    it('a position may refer to a document connected later in the same request (Strapi orders the connect list)', async () => {
      const id = await article('POS3', { tags: [tags[0]] });
      await a.update(`/api/articles/${id}`, {
        tags: {
          connect: [
            { documentId: tags[1], position: { before: tags[2] } },
            { documentId: tags[2], position: { start: true } },
          ],
        },
      });
      expect(await tagNames(id)).toEqual(['W1', 'W2', 'W0']);
    });

    it('a position referring to a document that is not connected is a 400 and changes nothing', async () => {
      const id = await article('POS4', { tags: [tags[0], tags[1]] });
      for (const position of [
        { before: tags[5] },
        { after: tags[6] },
        { before: 'nosuchdocument0000000000' },
      ]) {
        const res = await a.put(`/api/articles/${id}`, {
          tags: { connect: [{ documentId: tags[2], position }] },
        });
        expectError(res, 400, 'ValidationError');
        const errors = res.json().error.details.errors;
        expect(errors.length).toBeGreaterThan(0);
        expect(errors[0].path[0]).toBe('tags');
      }
      for (const position of [
        { before: tags[0], after: tags[1] },
        { middle: true },
        { start: false },
        'start',
      ]) {
        const res = await a.put(`/api/articles/${id}`, {
          tags: { connect: [{ documentId: tags[2], position }] },
        });
        expectError(res, 400, 'ValidationError');
      }
      expect(await tagNames(id)).toEqual(['W0', 'W1']);
    });

    it('positional connects work on the inverse side too', async () => {
      const tg = (await a.create('/api/tags', { name: 'POS5 tag' })).documentId as string;
      const [x, y, z] = [await article('POS5 x'), await article('POS5 y'), await article('POS5 z')];
      await a.update(`/api/tags/${tg}`, { articles: [x, y] });
      await a.update(`/api/tags/${tg}`, {
        articles: { connect: [{ documentId: z, position: { before: y } }] },
      });
      expect(pluck((await a.read(`/api/tags/${tg}?populate=articles`)).articles)).toEqual([
        'POS5 x',
        'POS5 z',
        'POS5 y',
      ]);
      await a.update(`/api/tags/${tg}`, {
        articles: { connect: [{ documentId: y, position: { start: true } }] },
      });
      expect(pluck((await a.read(`/api/tags/${tg}?populate=articles`)).articles)).toEqual([
        'POS5 y',
        'POS5 x',
        'POS5 z',
      ]);
    });
  });

  describe('writing from the inverse side', () => {
    it('author.articles written on the author shows on each article, in draft and published reads', async () => {
      const [x, y, z] = [
        await article('INV x', { author: authors.Ada }),
        await article('INV y'),
        await article('INV z'),
      ];
      const dee = (await a.create('/api/authors', { name: 'INV Dee', articles: [y, x] }))
        .documentId as string;
      for (const status of ['', '&status=draft']) {
        expect(await authorName(x, status)).toBe('INV Dee');
        expect(await authorName(y, status)).toBe('INV Dee');
        expect(await authorName(z, status)).toBeNull();
      }
      expect(pluck((await a.read(`/api/authors/${dee}?populate=articles`)).articles)).toEqual([
        'INV y',
        'INV x',
      ]);
      expect(pluck((await a.read(`/api/authors/${authors.Ada}?populate=articles`)).articles)).not.toContain(
        'INV x',
      );

      await a.update(`/api/authors/${dee}`, { articles: { connect: [z], disconnect: [y] } });
      for (const status of ['', '&status=draft']) {
        expect(await authorName(y, status)).toBeNull();
        expect(await authorName(z, status)).toBe('INV Dee');
      }
      expect(pluck((await a.read(`/api/authors/${dee}?populate=articles`)).articles)).toEqual([
        'INV x',
        'INV z',
      ]);
      await a.update(`/api/authors/${dee}`, { articles: [] });
      for (const status of ['', '&status=draft']) {
        expect(await authorName(x, status)).toBeNull();
        expect(await authorName(z, status)).toBeNull();
      }
    });

    it('a draft-only write on the inverse side changes the draft articles only, until the author is published', async () => {
      const x = await article('INV2 x', { author: authors.Bob });
      const eve = (await a.create('/api/authors', { name: 'INV2 Eve' })).documentId as string;
      await a.update(`/api/authors/${eve}?status=draft`, { articles: [x] });
      expect(await authorName(x, '&status=draft')).toBe('INV2 Eve');
      expect(await authorName(x)).toBe('Bob');
      expect(pluck((await a.read(`/api/authors/${eve}?populate=articles`)).articles)).toEqual([]);
      expect(pluck((await a.read(`/api/authors/${eve}?populate=articles&status=draft`)).articles)).toEqual([
        'INV2 x',
      ]);
      await a.update(`/api/authors/${eve}`, {});
      expect(await authorName(x)).toBe('INV2 Eve');
      expect(pluck((await a.read(`/api/authors/${eve}?populate=articles`)).articles)).toEqual(['INV2 x']);
    });
  });

  describe('draft and published relations', () => {
    it('an update with status=draft changes only the draft’s relations; publishing copies them', async () => {
      const id = await article('DP1', { author: authors.Ada, tags: [tags[0], tags[1]] });
      await a.update(`/api/articles/${id}?status=draft`, {
        author: authors.Bob,
        tags: { connect: [{ documentId: tags[2], position: { start: true } }] },
      });
      expect(await authorName(id)).toBe('Ada');
      expect(await tagNames(id)).toEqual(['W0', 'W1']);
      expect(await authorName(id, '&status=draft')).toBe('Bob');
      expect(await tagNames(id, '&status=draft')).toEqual(['W2', 'W0', 'W1']);
      expect(pluck((await a.read(`/api/tags/${tags[2]}?populate=articles`)).articles)).not.toContain('DP1');

      await a.update(`/api/articles/${id}`, {});
      expect(await authorName(id)).toBe('Bob');
      expect(await tagNames(id)).toEqual(['W2', 'W0', 'W1']);
      expect(pluck((await a.read(`/api/tags/${tags[2]}?populate=articles`)).articles)).toContain('DP1');
      expect(await tagNames(id, '&status=draft')).toEqual(['W2', 'W0', 'W1']);
    });

    it('a document created as a draft has relations only in its draft', async () => {
      const id = await article('DP2', { author: authors.Cy, tags: [tags[3]] }, '?status=draft');
      expect((await a.get(`/api/articles/${id}`)).status).toBe(404);
      expect(await authorName(id, '&status=draft')).toBe('Cy');
      expect(pluck((await a.read(`/api/authors/${authors.Cy}?populate=articles`)).articles)).not.toContain(
        'DP2',
      );
      expect(
        pluck((await a.read(`/api/authors/${authors.Cy}?populate=articles&status=draft`)).articles),
      ).toContain('DP2');
      await a.update(`/api/articles/${id}`, {});
      expect(await authorName(id)).toBe('Cy');
      expect(await tagNames(id)).toEqual(['W3']);
    });

    it('a published write after a draft write publishes the draft’s relations with the new changes on top', async () => {
      const id = await article('DP3', { tags: [tags[0]] });
      await a.update(`/api/articles/${id}?status=draft`, { tags: { connect: [tags[1]] } });
      await a.update(`/api/articles/${id}`, { tags: { connect: [tags[2]] } });
      expect(await tagNames(id)).toEqual(['W0', 'W1', 'W2']);
      expect(await tagNames(id, '&status=draft')).toEqual(['W0', 'W1', 'W2']);
    });
  });

  describe('refused targets', () => {
    it('a relation target that does not exist is a 400 naming the path, and nothing is written', async () => {
      const missing = 'nosuchdocument0000000000';
      const cases: [object, (string | number)[]][] = [
        [{ author: missing }, ['author']],
        [{ author: { documentId: missing } }, ['author']],
        [{ author: 999999 }, ['author']],
        [{ author: tags[0] }, ['author']], // a document of another type
        [{ tags: [tags[0], missing] }, ['tags', 1]],
        [{ tags: { connect: [tags[0], { id: 999999 }] } }, ['tags', 'connect', 1]],
        [{ tags: { set: [missing] } }, ['tags', 'set', 0]],
        [{ related: [missing] }, ['related', 0]],
      ];
      for (const [data, path] of cases) {
        const res = await a.post('/api/articles', { title: 'REF missing', ...data });
        expectError(res, 400, 'ValidationError');
        const errors = res.json().error.details.errors;
        expect(
          errors.map((e: { path: unknown }) => e.path),
          JSON.stringify(data),
        ).toEqual([path]);
        expect(errors[0].message.length).toBeGreaterThan(0);
      }
      expect(await a.list('/api/articles?filters[title][$eq]=REF missing&status=draft')).toEqual([]);

      const id = await article('REF existing', { author: authors.Ada });
      const res = await a.put(`/api/articles/${id}`, { author: missing, title: 'REF changed' });
      expectFieldErrors(res, [['author']]);
      expect(await authorName(id)).toBe('Ada');
      expect((await a.read(`/api/articles/${id}?status=draft`)).title).toBe('REF existing');
    });

    it('each reported error names a missing target (Strapi stops at the first; more is fine)', async () => {
      const res = await a.post('/api/articles', {
        title: 'REF many',
        tags: ['nosuchtag0000000000000000', tags[1], 'nosuchtag1111111111111111'],
      });
      expectError(res, 400, 'ValidationError');
      const paths = res.json().error.details.errors.map((e: { path: unknown }) => JSON.stringify(e.path));
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) expect(['["tags",0]', '["tags",2]']).toContain(path);
      const both = await a.post('/api/articles', {
        title: 'REF many',
        author: 'nosuchauthor000000000000',
        tags: [tags[1], 'nosuchtag1111111111111111'],
      });
      expectError(both, 400, 'ValidationError');
      for (const error of both.json().error.details.errors) {
        expect(['["author"]', '["tags",1]']).toContain(JSON.stringify(error.path));
      }
      expect(await a.list('/api/articles?filters[title][$eq]=REF many&status=draft')).toEqual([]);
    });

    it('a relation to a plugin type Quorum does not serve (article.owner) is a clear 400', async () => {
      for (const owner of [1, 'somedocumentid0000000000', { connect: [1] }]) {
        const res = await a.post('/api/articles', { title: 'REF owner', owner });
        const error = expectError(res, 400, 'ValidationError');
        expect(error.message).toContain('owner');
        expect(error.message).toContain('plugin::users-permissions.user');
      }
      expect(await a.list('/api/articles?filters[title][$eq]=REF owner&status=draft')).toEqual([]);
    });
  });
});
