import qs from 'qs';
import { expect } from 'vitest';
import type { RequestOptions, TestResponse } from './node.js';

/** Anything that sends a request to a node as the full-access caller: a TestNode, or a process. */
export interface Requester {
  request(
    options: Pick<RequestOptions, 'method' | 'url' | 'body'>,
  ): Promise<Pick<TestResponse, 'status' | 'body' | 'json'>>;
}

/**
 * A small, densely linked data set on the `relations` fixture app, and a model of it read back from the
 * API: 30 articles, each with an author, 3 of 6 tags, a category (most), up to 2 related articles and a
 * parent; so every tag has 15 articles and a path like `tags.articles.tags…` fans out 45-fold every two
 * hops. Used to check deep relation paths against what the data says, and as the costliest reads one
 * can build on a small data set.
 */

export type Root = 'articles' | 'authors' | 'tags' | 'categories';

export interface Relation {
  readonly target: Root;
  readonly toMany: boolean;
}

export const RELATIONS: Record<Root, Record<string, Relation>> = {
  articles: {
    author: { target: 'authors', toMany: false },
    category: { target: 'categories', toMany: false },
    tags: { target: 'tags', toMany: true },
    related: { target: 'articles', toMany: true },
    parent: { target: 'articles', toMany: false },
    reviewer: { target: 'authors', toMany: false },
  },
  authors: { articles: { target: 'articles', toMany: true } },
  tags: { articles: { target: 'articles', toMany: true } },
  categories: { articles: { target: 'articles', toMany: true } },
};

/** The text attribute of each type (all values are a letter and two digits, ordered alike everywhere). */
export const LABEL: Record<Root, string> = {
  articles: 'title',
  authors: 'name',
  tags: 'name',
  categories: 'name',
};

export interface Row {
  readonly id: number;
  readonly documentId: string;
  readonly label: string;
}

/** What the data is: rows per type, and per relation the related documentIds in link order. */
export interface RelationGraph {
  rows: Record<Root, Map<string, Row>>;
  links: Record<Root, Record<string, Map<string, string[]>>>;
}

export async function seedRelationGraph(t: Requester): Promise<RelationGraph> {
  const post = async (plural: string, data: unknown): Promise<string> => {
    const res = await t.request({ method: 'POST', url: `/api/${plural}`, body: { data } });
    if (res.status !== 201) throw new Error(`${plural}: ${res.status} ${res.body}`);
    return res.json().data.documentId;
  };
  const model: RelationGraph = {
    rows: { articles: new Map(), authors: new Map(), tags: new Map(), categories: new Map() },
    links: { articles: {}, authors: {}, tags: {}, categories: {} },
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  const categories = [];
  for (let i = 0; i < 3; i++) categories.push(await post('categories', { name: `c${pad(i)}` }));
  const authors = [];
  for (let i = 0; i < 6; i++) authors.push(await post('authors', { name: `a${pad(i)}` }));
  const tags = [];
  for (let i = 0; i < 6; i++) tags.push(await post('tags', { name: `g${pad(i)}` }));
  const articles: string[] = [];
  for (let i = 0; i < 30; i++) {
    articles.push(
      await post('articles', {
        title: `r${pad(i)}`,
        author: authors[i % 6],
        category: i % 4 === 3 ? null : categories[i % 3],
        tags: [tags[i % 6], tags[(i + 1) % 6], tags[(i + 3) % 6]],
        related: [articles[i - 1], articles[i - 5]].filter(Boolean),
        parent: articles[i - 2] ?? null,
      }),
    );
  }
  // The model is read back from the API: rows, and each relation's documents in the order populate
  // returns them (the link order, which relation sorts follow too).
  for (const root of Object.keys(RELATIONS) as Root[]) {
    const populate = Object.fromEntries(
      Object.keys(RELATIONS[root]).map((name) => [name, { fields: ['documentId'] }]),
    );
    const res = await t.request({
      url: `/api/${root}?${qs.stringify({ populate, pagination: { pageSize: 100 } })}`,
    });
    expect(res.status, res.body).toBe(200);
    for (const name of Object.keys(RELATIONS[root])) model.links[root][name] = new Map();
    for (const doc of res.json().data) {
      model.rows[root].set(doc.documentId, {
        id: doc.id,
        documentId: doc.documentId,
        label: doc[LABEL[root]],
      });
      for (const name of Object.keys(RELATIONS[root])) {
        const value = doc[name];
        const related = value === null ? [] : Array.isArray(value) ? value : [value];
        model.links[root][name].set(
          doc.documentId,
          related.map((r: { documentId: string }) => r.documentId),
        );
      }
    }
  }
  return model;
}
