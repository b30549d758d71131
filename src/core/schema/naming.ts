import { createHash } from 'node:crypto';

/** `publishedDate` → `published_date`, `my-field` → `my_field`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

const MAX_IDENTIFIER = 63; // PostgreSQL truncates longer identifiers silently; we never let it.

/** A database identifier derived from parts, shortened with a hash suffix when too long. */
export function identifier(...parts: string[]): string {
  const name = parts.join('_');
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash}`;
}

export const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Route names (pluralName / singularName) appear in URLs: kebab-case like Strapi's. */
export const ROUTE_NAME = /^[a-z0-9][a-z0-9-]*$/;
