import { readFileSync } from 'node:fs';

/**
 * The kitchen fixture's article type (test/fixtures/apps/kitchen), read from its schema file so tests
 * follow the fixture: one attribute of every scalar type, a private one (`secret`) and a password.
 */
const schema = JSON.parse(
  readFileSync(
    new URL('../fixtures/apps/kitchen/src/api/article/content-types/article/schema.json', import.meta.url),
    'utf8',
  ),
) as { attributes: Record<string, { type: string; private?: boolean }> };

/** Every attribute the schema file declares, in its order. */
export const KITCHEN_ARTICLE_ATTRIBUTES: readonly string[] = Object.keys(schema.attributes);

/**
 * The keys of an article in a response without `fields`, in order: id and documentId, the attributes
 * that are neither private nor passwords, then the timestamps.
 */
export const KITCHEN_ARTICLE_KEYS: readonly string[] = [
  'id',
  'documentId',
  ...Object.entries(schema.attributes)
    .filter(([, attribute]) => !attribute.private && attribute.type !== 'password')
    .map(([name]) => name),
  'createdAt',
  'updatedAt',
  'publishedAt',
];
