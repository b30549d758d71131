import qs from 'qs';

/**
 * Query strings are parsed exactly as Strapi configures qs: brackets up to depth 20, no dot nesting,
 * arrays up to index 100 (beyond that qs yields an object), a key without `=` is null.
 */
export function parseQueryString(query: string): Record<string, unknown> {
  return qs.parse(query, { strictNullHandling: true, arrayLimit: 100, depth: 20 }) as Record<string, unknown>;
}
