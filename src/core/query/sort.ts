import { invalidKey, invalidQuery, queryTooCostly } from '../errors.js';
import type { Model } from '../schema/model.js';
import { checkDepth, checkHops, resolveLink, type QueryScope } from './links.js';
import { asList, isPlainObject } from './raw.js';
import { linkedModel, type RelatedLink, type SortItem } from './types.js';

const MAX_SORT_ITEMS = 20;

/**
 * Strapi `sort` in all its forms: `title`, `title:desc`, `title:asc,createdAt:desc`, arrays of those,
 * `{ title: 'desc' }`, arrays of objects, and nested objects for relation paths.
 */
export function parseSort(scope: QueryScope, model: Model, raw: unknown): SortItem[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const items: SortItem[] = [];
  collect(scope, model, raw, [], items);
  checkHops(
    scope,
    'sort',
    items.reduce((sum, item) => sum + item.steps.length, 0),
  );
  if (items.length > MAX_SORT_ITEMS)
    throw queryTooCostly(`Too many sort keys (at most ${MAX_SORT_ITEMS})`, {
      source: 'query',
      param: 'sort',
    });
  return items;
}

function collect(scope: QueryScope, model: Model, raw: unknown, prefix: string[], out: SortItem[]): void {
  if (typeof raw === 'string') {
    for (const part of raw.split(',')) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const colon = trimmed.lastIndexOf(':');
      const path = colon === -1 ? trimmed : trimmed.slice(0, colon);
      const order = colon === -1 ? 'asc' : trimmed.slice(colon + 1);
      out.push(resolve(scope, model, [...prefix, ...path.split('.')], order));
    }
    return;
  }
  const list = asList(raw);
  if (list) {
    // A list inside a list (`sort[0][0][0]=1`) is no form of sort: Strapi 5.54 ignores it (measured).
    for (const item of list) if (!asList(item)) collect(scope, model, item, prefix, out);
    return;
  }
  if (isPlainObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === 'string' && !value.includes(',') && !value.includes(':') && isDirection(value)) {
        out.push(resolve(scope, model, [...prefix, key], value));
      } else if (isPlainObject(value)) {
        collect(scope, model, value, [...prefix, key], out);
      } else {
        throw invalidQuery(`Invalid sort parameter at ${[...prefix, key].join('.')}: expected asc or desc`, {
          source: 'query',
          param: 'sort',
        });
      }
    }
    return;
  }
  throw invalidQuery('Invalid sort parameter: expected a string, an array or an object', {
    source: 'query',
    param: 'sort',
  });
}

function isDirection(value: string): boolean {
  const lower = value.toLowerCase();
  return lower === 'asc' || lower === 'desc';
}

/** Walks a dotted path through relations and components down to a scalar; anything else is Invalid key. */
function resolve(scope: QueryScope, root: Model, path: string[], order: string): SortItem {
  if (!isDirection(order)) {
    throw invalidQuery('Invalid order. order can only be one of asc|desc|ASC|DESC', {
      source: 'query',
      param: 'sort',
    });
  }
  const direction = order.toLowerCase() as 'asc' | 'desc';
  const steps: RelatedLink[] = [];
  let model = root;
  // As in Strapi, the error names the segment that fails with the attribute path to it: the path above
  // a name that is no attribute, the attribute's own path for one that may not be sorted on.
  const fail = (index: number, attribute: boolean) => {
    const at = path.slice(0, attribute ? index + 1 : index);
    return invalidKey(path[index], {
      source: 'query',
      param: 'sort',
      path: at.length ? at.join('.') : undefined,
    });
  };
  checkDepth(scope, 'sort', path, path.length - 1);
  for (let i = 0; i < path.length - 1; i++) {
    const attribute = model.attributes.get(path[i]);
    if (!attribute) throw fail(i, false);
    const link = attribute.private ? undefined : resolveLink(scope, model, attribute);
    if (!link || link === 'unavailable' || link === 'restricted') throw fail(i, true);
    steps.push(link);
    model = linkedModel(link);
  }
  const last = path.length - 1;
  const field = model.fields.get(path[last]);
  if (!field) throw fail(last, model.attributes.has(path[last]));
  if (field.private || field.type === 'password') throw fail(last, true);
  return { path, steps, field, direction };
}
