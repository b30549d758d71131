import { describe, expect, it } from 'vitest';
import { buildSchema } from './build.js';
import { SchemaError } from './errors.js';

/**
 * The registry refuses two-way relations whose sides disagree when it is built (registry.ts): the
 * messages name the attribute and what the other side must declare. Strapi requires the same pairing
 * (inversedBy on the owning side, mappedBy on the other, mirrored relation kinds).
 */
function schemaWith(
  articleAuthor: object,
  authorArticles: object,
  articleIs: 'contentType' | 'component' = 'contentType',
) {
  const type = (uid: string, name: string, attributes: object) => ({
    uid,
    modelType: 'contentType' as const,
    source: { owner: 'file' as const, path: `${name}.json` },
    definition: {
      kind: 'collectionType',
      collectionName: `${name}s`,
      info: { singularName: name, pluralName: `${name}s`, displayName: name },
      attributes,
    },
  });
  const article =
    articleIs === 'contentType'
      ? type('api::article.article', 'article', { author: articleAuthor })
      : {
          uid: 'shared.article',
          modelType: 'component' as const,
          source: { owner: 'file' as const, path: 'article.json' },
          definition: {
            collectionName: 'components_articles',
            info: { displayName: 'A' },
            attributes: { author: articleAuthor },
          },
        };
  return () => buildSchema([article, type('api::author.author', 'author', { articles: authorArticles })], 1);
}

const owner = {
  type: 'relation',
  relation: 'manyToOne',
  target: 'api::author.author',
  inversedBy: 'articles',
};
const inverse = {
  type: 'relation',
  relation: 'oneToMany',
  target: 'api::article.article',
  mappedBy: 'author',
};

describe('two-way relations', () => {
  it('load when both sides agree', () => {
    expect(schemaWith(owner, inverse)().contentTypes.size).toBe(2);
  });

  it('are refused when the other side names no relation back', () => {
    expect(schemaWith(owner, { type: 'string' })).toThrow(
      new SchemaError(
        'api::article.article: attribute "author": api::author.author has no relation "articles" back to api::article.article',
      ),
    );
  });

  it('are refused when the other side declares another name', () => {
    expect(schemaWith(owner, { ...inverse, mappedBy: 'writer' })).toThrow(
      new SchemaError(
        'api::article.article: attribute "author": api::author.author.articles must declare mappedBy: "author"',
      ),
    );
  });

  it('are refused when the kinds do not mirror each other', () => {
    expect(schemaWith(owner, { ...inverse, relation: 'manyToMany' })).toThrow(
      new SchemaError(
        'api::article.article: attribute "author": manyToOne is paired with manyToMany on api::author.author.articles',
      ),
    );
  });

  it('are refused in components', () => {
    expect(schemaWith(owner, { type: 'string' }, 'component')).toThrow(
      new SchemaError('shared.article: attribute "author": relations in components cannot be two-way'),
    );
  });
});
