import type { Database } from '../../src/db/types.js';
import type { QueryScope } from '../../src/core/query/links.js';
import { parseFindQuery } from '../../src/core/query/parse.js';
import type { ApiLimits, FindQuery } from '../../src/core/query/types.js';
import { buildSchema } from '../../src/core/schema/build.js';
import type { SchemaFile } from '../../src/core/schema/load-files.js';
import type { Schema } from '../../src/core/schema/registry.js';
import { syncSchema } from '../../src/core/schema/sync.js';
import type { DatabaseKind } from './databases.js';
import { openUnitDatabase } from './unit-database.js';

/**
 * A small schema for unit tests of the query language: articles (draft & publish) with an author and a
 * component, authors (no draft & publish) with their articles on the inverse side. Paths through
 * relations alternate `author` and `articles` for as long as a test wants.
 */
export const QUERY_SCHEMA_FILES: readonly SchemaFile[] = [
  {
    uid: 'api::article.article',
    modelType: 'contentType',
    path: 'article.json',
    definition: {
      kind: 'collectionType',
      collectionName: 'articles',
      info: { singularName: 'article', pluralName: 'articles', displayName: 'Article' },
      options: { draftAndPublish: true },
      attributes: {
        title: { type: 'string' },
        author: {
          type: 'relation',
          relation: 'manyToOne',
          target: 'api::author.author',
          inversedBy: 'articles',
        },
        seo: { type: 'component', component: 'shared.seo', repeatable: false },
      },
    },
  },
  {
    uid: 'api::author.author',
    modelType: 'contentType',
    path: 'author.json',
    definition: {
      kind: 'collectionType',
      collectionName: 'authors',
      info: { singularName: 'author', pluralName: 'authors', displayName: 'Author' },
      options: { draftAndPublish: false },
      attributes: {
        name: { type: 'string' },
        articles: {
          type: 'relation',
          relation: 'oneToMany',
          target: 'api::article.article',
          mappedBy: 'author',
        },
      },
    },
  },
  {
    uid: 'shared.seo',
    modelType: 'component',
    path: 'seo.json',
    definition: {
      collectionName: 'components_shared_seos',
      info: { displayName: 'Seo' },
      attributes: { metaTitle: { type: 'string' } },
    },
  },
];

/** `filters` crossing `hops` relations from articles: author → articles → author → …, then a scalar. */
export function filterPath(hops: number): object {
  let node: object = { [hops % 2 ? 'name' : 'title']: { $eq: 'x' } };
  for (let i = hops; i >= 1; i--) node = { [i % 2 ? 'author' : 'articles']: node };
  return node;
}

/** A sort crossing `hops` relations from articles, the same way. */
export function sortPath(hops: number): string {
  const steps = Array.from({ length: hops }, (_, i) => (i % 2 ? 'articles' : 'author'));
  return `${[...steps, hops % 2 ? 'name' : 'title'].join('.')}:desc`;
}

export const QUERY_LIMITS: ApiLimits = {
  defaultLimit: 25,
  maxLimit: 100,
  withCount: true,
  maxDepth: 50,
  maxRelationHops: 500,
  maxPopulatedDocuments: 1000,
};

/** QUERY_SCHEMA_FILES as a registry, without a database: enough to parse queries. */
export function querySchema(): Schema {
  return buildSchema(
    QUERY_SCHEMA_FILES.map((file) => ({ ...file, source: { owner: 'file', path: file.path } })),
    1,
  );
}

/** Parses Strapi query parameters (as qs parses them) for articles, with a scope of full read access. */
export function parseArticles(schema: Schema, raw: object, scope?: Partial<QueryScope>): FindQuery {
  const type = schema.contentTypes.get('api::article.article')!;
  return parseFindQuery({ schema, canRead: () => true, ...scope }, type, raw, QUERY_LIMITS);
}

export interface QueryDatabase {
  readonly database: Database;
  readonly schema: Schema;
  /** parseArticles on this database's schema. */
  articles(raw: object, scope?: Partial<QueryScope>): FindQuery;
  close(): Promise<void>;
}

/** An in-memory SQLite database, or a fresh PostgreSQL one, with QUERY_SCHEMA_FILES synced into it. */
export async function openQueryDatabase(kind: DatabaseKind): Promise<QueryDatabase> {
  const { database, close } = await openUnitDatabase(kind);
  const { schema } = await syncSchema(database, QUERY_SCHEMA_FILES);
  return {
    database,
    schema,
    articles: (raw, scope) => parseArticles(schema, raw, scope),
    close,
  };
}
