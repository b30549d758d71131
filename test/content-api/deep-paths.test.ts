import fc from 'fast-check';
import qs from 'qs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { expectError } from '../helpers/content-query.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import {
  LABEL,
  RELATIONS,
  seedRelationGraph,
  type RelationGraph,
  type Root,
  type Row,
} from '../helpers/relation-graph.js';

/**
 * Relation paths in filters, sort and populate (issue 16, "denial of service by one anonymous GET").
 * Compiled paths used to nest one correlated subquery per hop, so a read cost the product of the
 * fan-outs along its path: `sort=tags.articles.tags.articles…` on this small data set (every article has
 * 3 tags, every tag 15 articles) would have run for hours. Now:
 * - a path of up to api.rest.maxDepth (10) relations answers, and answers what a model of the data says
 *   (property-based: random paths on a random walk over the schema's relations, checked against the
 *   adjacency lists the API itself returns when populating one level);
 * - a longer path is a 400 naming the limit;
 * - the node runs with a 2 s statement time limit, so a read that still cost the product of its
 *   fan-outs would be stopped (503) instead of answering.
 */

const MAX_DEPTH = 10; // api.rest.maxDepth's default
const MAX_POPULATED = 3000; // set below, so that deep populates reach it

describeEachDatabase('deep relation paths', (kind) => {
  let t: TestNode;
  const model: RelationGraph = {
    rows: { articles: new Map(), authors: new Map(), tags: new Map(), categories: new Map() },
    links: { articles: {}, authors: {}, tags: {}, categories: {} },
  };

  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'relations',
      config: {
        database: { statementTimeoutMs: 2000 },
        api: { rest: { maxPopulatedDocuments: MAX_POPULATED } },
      },
    });
    Object.assign(model, await seedRelationGraph(t));
  }, 120_000);
  afterAll(() => t?.close());

  /** A walk over the schema's relations from `root`, one choice per hop. */
  const walk = (root: Root, choices: readonly number[]) => {
    const hops: { from: Root; name: string; to: Root }[] = [];
    let at = root;
    for (const choice of choices) {
      const names = Object.keys(RELATIONS[at]);
      const name = names[choice % names.length];
      hops.push({ from: at, name, to: RELATIONS[at][name].target });
      at = RELATIONS[at][name].target;
    }
    return { hops, end: at };
  };
  const related = (from: Root, name: string, documentId: string) =>
    model.links[from][name].get(documentId) ?? [];
  const arbitraryRoot = fc.constantFrom<Root>('articles', 'authors', 'tags');
  const arbitraryPath = fc.array(fc.nat(), { minLength: 1, maxLength: MAX_DEPTH + 3 });
  const list = async (root: Root, query: object) => {
    const res = await t.request({
      url: `/api/${root}?${qs.stringify({ ...query, pagination: { pageSize: 100 } })}`,
    });
    return res;
  };

  it('answers filters through up to 10 relations as the data says, and refuses longer paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRoot,
        arbitraryPath,
        fc.nat(),
        fc.constantFrom('eq', 'containsi', 'null', 'notNull'),
        async (root, choices, pick, operator) => {
          const { hops, end } = walk(root, choices);
          const labels = [...model.rows[end].values()].map((row) => row.label);
          const value = operator === 'containsi' ? String(pick % 10) : labels[pick % labels.length];
          const leaf =
            operator === 'eq'
              ? { [LABEL[end]]: { $eq: value } }
              : operator === 'containsi'
                ? { [LABEL[end]]: { $containsi: value } }
                : { [operator === 'null' ? '$null' : '$notNull']: true };
          const filters = hops.reduceRight<object>((inner, hop) => ({ [hop.name]: inner }), leaf);
          const res = await list(root, { filters, fields: ['documentId'] });
          if (hops.length > MAX_DEPTH) {
            const error = expectError(res, 400, 'ValidationError');
            expect(error.details).toMatchObject({ param: 'filters', maxDepth: MAX_DEPTH });
            return;
          }
          // `$null`/`$notNull` name the last relation itself: its parent has none / some.
          const walked = operator === 'null' || operator === 'notNull' ? hops.slice(0, -1) : hops;
          const matches = (documentId: string, depth: number, at: Root): boolean => {
            if (depth === walked.length) {
              if (operator === 'eq') return model.rows[at].get(documentId)!.label === value;
              if (operator === 'containsi') return model.rows[at].get(documentId)!.label.includes(value);
              const last = hops[hops.length - 1];
              const has = related(last.from, last.name, documentId).length > 0;
              return operator === 'null' ? !has : has;
            }
            const hop = walked[depth];
            const next = related(hop.from, hop.name, documentId);
            // Strapi's LEFT JOIN meaning (issue 18): with no related document, the rest of the path is
            // matched against a row of nulls, of which only `$null` on the last relation holds.
            if (next.length === 0) return operator === 'null';
            return next.some((id) => matches(id, depth + 1, hop.to));
          };
          const expected = [...model.rows[root].keys()].filter((id) => matches(id, 0, root)).sort();
          expect(res.status, res.body).toBe(200);
          const actual = res
            .json()
            .data.map((doc: Row) => doc.documentId)
            .sort();
          expect(actual, qs.stringify({ filters })).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts through up to 10 relations by the first related document at each hop', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRoot,
        arbitraryPath,
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        async (root, choices, direction) => {
          const { hops, end } = walk(root, choices);
          const sort = `${[...hops.map((hop) => hop.name), LABEL[end]].join('.')}:${direction}`;
          const res = await list(root, { sort, fields: ['documentId'] });
          if (hops.length > MAX_DEPTH) {
            const error = expectError(res, 400, 'ValidationError');
            expect(error.details).toMatchObject({ param: 'sort', maxDepth: MAX_DEPTH });
            return;
          }
          const key = (documentId: string): string | null => {
            let at: string | undefined = documentId;
            for (const hop of hops) {
              at = related(hop.from, hop.name, at)[0];
              if (at === undefined) return null;
            }
            return model.rows[end].get(at)!.label;
          };
          // NULLs sort as the smallest value; the id breaks ties in the direction of the sort.
          const sign = direction === 'asc' ? 1 : -1;
          const expected = [...model.rows[root].values()]
            .map((row) => ({ row, key: key(row.documentId) }))
            .sort((a, b) => {
              if (a.key !== b.key) {
                if (a.key === null) return -sign;
                if (b.key === null) return sign;
                return a.key < b.key ? -sign : sign;
              }
              return (a.row.id - b.row.id) * sign;
            })
            .map((entry) => entry.row.documentId);
          expect(res.status, res.body).toBe(200);
          expect(
            res.json().data.map((doc: Row) => doc.documentId),
            sort,
          ).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  interface Tree {
    readonly name: string;
    readonly children: readonly Tree[];
  }
  /**
   * Populate trees of every depth up to 13: a spine of attribute choices, plus up to three side
   * branches hung at given levels of it.
   */
  const arbitraryTree = fc.record({
    spine: fc.array(fc.nat(), { minLength: 1, maxLength: MAX_DEPTH + 3 }),
    branches: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  });
  const toTree = (root: Root, raw: { spine: readonly number[]; branches: readonly [number, number][] }) => {
    const build = (at: Root, level: number): Tree[] => {
      if (level >= raw.spine.length) return [];
      const names = Object.keys(RELATIONS[at]);
      const picks = [
        raw.spine[level],
        ...raw.branches.filter(([l]) => l % raw.spine.length === level).map(([, p]) => p),
      ];
      const chosen = [...new Set(picks.map((pick) => names[pick % names.length]))];
      // The spine goes on below the first choice; side branches end where they hang.
      return chosen.map((name, i) => ({
        name,
        children: i === 0 ? build(RELATIONS[at][name].target, level + 1) : [],
      }));
    };
    return build(root, 0);
  };
  const depthOf = (trees: readonly Tree[]): number =>
    trees.length === 0 ? 0 : 1 + Math.max(...trees.map((tree) => depthOf(tree.children)));
  const toPopulate = (trees: readonly Tree[]): object =>
    Object.fromEntries(
      trees.map((tree) => [tree.name, tree.children.length ? { populate: toPopulate(tree.children) } : true]),
    );

  it('populates up to 10 levels as the data says, up to api.rest.maxPopulatedDocuments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Root>('articles', 'authors'), arbitraryTree, async (root, raw) => {
        const trees = toTree(root, raw);
        const res = await list(root, { populate: toPopulate(trees) });
        if (depthOf(trees) > MAX_DEPTH) {
          // Past the limit; very deep bracket paths also run into qs's depth of 20, as in Strapi
          // (packages/core/core/src/middlewares/query.ts), which leaves an unknown key: a 400 either way.
          expectError(res, 400, 'ValidationError');
          return;
        }
        let populated = 0;
        const expected = (at: Root, documentId: string, trees: readonly Tree[]): object =>
          Object.fromEntries(
            trees.map((child) => {
              const relation = RELATIONS[at][child.name];
              const ids = related(at, child.name, documentId);
              populated += ids.length;
              const docs = ids.map((id) => ({
                documentId: id,
                ...expected(relation.target, id, child.children),
              }));
              return [child.name, relation.toMany ? docs : (docs[0] ?? null)];
            }),
          );
        const want = [...model.rows[root].values()]
          .sort((a, b) => a.id - b.id)
          .map((row) => ({ documentId: row.documentId, ...expected(root, row.documentId, trees) }));
        if (populated > MAX_POPULATED) {
          const error = expectError(res, 400, 'ValidationError');
          expect(error.details).toMatchObject({ param: 'populate', maxPopulatedDocuments: MAX_POPULATED });
          return;
        }
        expect(res.status, res.body.slice(0, 500)).toBe(200);
        const shape = (at: Root, doc: Record<string, unknown>, trees: readonly Tree[]): object => ({
          documentId: doc.documentId,
          ...Object.fromEntries(
            trees.map((child) => {
              const target = RELATIONS[at][child.name].target;
              const value = doc[child.name] as Record<string, unknown> | Record<string, unknown>[] | null;
              return [
                child.name,
                Array.isArray(value)
                  ? value.map((item) => shape(target, item, child.children))
                  : value && shape(target, value, child.children),
              ];
            }),
          ),
        });
        expect(res.json().data.map((doc: Record<string, unknown>) => shape(root, doc, trees))).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a path past api.rest.maxDepth with a 400 naming it, in every form', async () => {
    const path = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 'articles' : 'tags')).join('.');
    const nest = (dotted: string, leaf: object) =>
      dotted.split('.').reduceRight<object>((inner, name) => ({ [name]: inner }), leaf);
    const deep = path(MAX_DEPTH + 1);
    const forms = [
      ['sort', `sort=${deep}.name`],
      ['sort', qs.stringify({ sort: [nest(deep, { name: 'asc' })] })],
      ['filters', qs.stringify({ filters: nest(deep, { name: { $eq: 'g00' } }) })],
      ['populate', `populate=${deep}`],
      ['populate', qs.stringify({ populate: [deep] })],
    ] as const;
    for (const [param, query] of forms) {
      const error = expectError(await t.request({ url: `/api/articles?${query}` }), 400, 'ValidationError');
      expect(error.message, query).toContain(`crosses more than ${MAX_DEPTH} relations or components`);
      expect(error.details).toMatchObject({ source: 'query', param, maxDepth: MAX_DEPTH });
    }
    // At the limit, every form answers.
    const within = path(MAX_DEPTH);
    const parents = Array.from({ length: MAX_DEPTH }, () => 'parent').join('.');
    for (const query of [
      `sort=${within}.title`,
      `populate=${parents}`,
      `filters[${parents.split('.').join('][')}][title][$null]=true`,
    ]) {
      const res = await t.request({ url: `/api/articles?${query}` });
      expect(res.status, `${query}: ${res.body.slice(0, 300)}`).toBe(200);
    }
    // The 216-character anonymous request is refused before anything runs.
    const url = `/api/articles?sort=${'author.articles.'.repeat(13)}title`;
    expect(url.length).toBeGreaterThanOrEqual(216);
    expectError(await t.request({ url, auth: 'none' }), 400, 'ValidationError');
  });
});
