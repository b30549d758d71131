import { describe, expect, it } from 'vitest';
import { filterPath, parseArticles, querySchema, sortPath } from '../../../test/helpers/query-database.js';
import { ValidationError } from '../errors.js';
import { checkDepth, checkHops, type QueryScope } from './links.js';

/**
 * The parsers' bounds on paths (docs/architecture.md, "Deep filters and relation sorts…"):
 * `api.rest.maxDepth` relations or components per path, `api.rest.maxRelationHops` in total for the
 * filters and for the sort. Both answer 400; trusted callers (no bound in their scope) are not limited.
 */
const schema = querySchema();
const scope = (bounds: Partial<QueryScope>): QueryScope => ({ schema, canRead: () => true, ...bounds });

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('checkDepth', () => {
  it('allows a path up to maxDepth and refuses one beyond, naming the path and the setting', () => {
    expect(() => checkDepth(scope({ maxDepth: 3 }), 'filters', ['a', 'b', 'c'], 3)).not.toThrow();
    const error = refusal(() => checkDepth(scope({ maxDepth: 3 }), 'populate', ['a', 'b', 'c', 'd'], 4));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'populate path a.b.c.d crosses more than 3 relations or components (api.rest.maxDepth)',
    );
    expect(error.details).toEqual({ source: 'query', param: 'populate', path: 'a.b.c.d', maxDepth: 3 });
  });

  it('does not bound a trusted caller (no maxDepth in the scope)', () => {
    expect(() => checkDepth(scope({}), 'sort', ['a'], 10_000)).not.toThrow();
  });
});

describe('checkHops', () => {
  it('allows up to maxRelationHops in total and refuses more, naming the setting', () => {
    expect(() => checkHops(scope({ maxRelationHops: 5 }), 'sort', 5)).not.toThrow();
    const error = refusal(() => checkHops(scope({ maxRelationHops: 5 }), 'filters', 6));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'filters cross more than 5 relations or components in total (api.rest.maxRelationHops)',
    );
    expect(error.details).toEqual({ source: 'query', param: 'filters', maxRelationHops: 5 });
  });

  it('does not bound a trusted caller (no maxRelationHops in the scope)', () => {
    expect(() => checkHops(scope({}), 'filters', 10_000)).not.toThrow();
  });
});

describe('the parsers apply the bounds', () => {
  it('to each path of the filters, relations and components alike', () => {
    expect(() => parseArticles(schema, { filters: filterPath(2) }, { maxDepth: 2 })).not.toThrow();
    expect(refusal(() => parseArticles(schema, { filters: filterPath(3) }, { maxDepth: 2 })).details).toEqual(
      {
        source: 'query',
        param: 'filters',
        path: 'author.articles.author',
        maxDepth: 2,
      },
    );
    const component = { seo: { metaTitle: { $eq: 'x' } } };
    expect(() => parseArticles(schema, { filters: component }, { maxDepth: 1 })).not.toThrow();
    expect(() =>
      parseArticles(schema, { filters: { author: { articles: component } } }, { maxDepth: 2 }),
    ).toThrow(/author\.articles\.seo crosses more than 2/);
  });

  it('to the hops of all filter paths together', () => {
    const two = { $or: [filterPath(2), filterPath(1)] };
    expect(() => parseArticles(schema, { filters: two }, { maxRelationHops: 3 })).not.toThrow();
    const more = { $or: [filterPath(2), filterPath(2)] };
    expect(
      refusal(() => parseArticles(schema, { filters: more }, { maxRelationHops: 3 })).details,
    ).toMatchObject({
      param: 'filters',
      maxRelationHops: 3,
    });
  });

  it('to each sort path, and to the hops of all sort keys together', () => {
    expect(() => parseArticles(schema, { sort: sortPath(2) }, { maxDepth: 2 })).not.toThrow();
    expect(
      refusal(() => parseArticles(schema, { sort: sortPath(3) }, { maxDepth: 2 })).details,
    ).toMatchObject({
      param: 'sort',
      path: 'author.articles.author.name',
    });
    const keys = [sortPath(1), sortPath(2)];
    expect(() => parseArticles(schema, { sort: keys }, { maxRelationHops: 3 })).not.toThrow();
    expect(
      refusal(() => parseArticles(schema, { sort: keys }, { maxRelationHops: 2 })).details,
    ).toMatchObject({
      param: 'sort',
      maxRelationHops: 2,
    });
  });

  it('to each populate path', () => {
    // `populate` crossing `hops` relations: author → articles → author → …
    const populate = (hops: number): object => {
      let node: unknown = true;
      for (let i = hops; i >= 2; i--) node = { populate: { [i % 2 ? 'author' : 'articles']: node } };
      return { author: node };
    };
    expect(() => parseArticles(schema, { populate: populate(2) }, { maxDepth: 2 })).not.toThrow();
    expect(refusal(() => parseArticles(schema, { populate: populate(3) }, { maxDepth: 2 })).details).toEqual({
      source: 'query',
      param: 'populate',
      path: 'author.articles.author',
      maxDepth: 2,
    });
  });
});
