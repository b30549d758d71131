import { parseFilters } from '../../core/query/filters.js';
import type { ContentType } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';

/**
 * Checks a grant's conditions (a filters object with `$user.<field>` variables) against the content type
 * they limit, as they will be parsed on every request. Variables get placeholder values of a plausible
 * type, since the caller is not known yet. Throws the parser's ApplicationError when they are invalid;
 * the admin API and config/permissions.json each report that in their own way.
 */
export function checkConditions(
  schema: Schema,
  type: ContentType,
  conditions: Record<string, unknown>,
): void {
  parseFilters({ schema, canRead: () => true }, type, placeholders(conditions));
}

/**
 * `$user.id` becomes a number, another `$user.<field>` a string. Only values are variables: a key such as
 * `"$user.id"` stays as written, for the parser to refuse as the unknown field it is.
 */
function placeholders(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value === '$user.id') return 1;
    return /^\$user\.[A-Za-z]+$/.test(value) ? 'x' : value;
  }
  if (Array.isArray(value)) return value.map(placeholders);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, placeholders(v)]));
  return value;
}
