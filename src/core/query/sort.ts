import { ValidationError, invalidKey } from '../errors.js';
import type { Model } from '../schema/model.js';
import { resolveLink, type QueryScope } from './links.js';
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
  if (items.length > MAX_SORT_ITEMS)
    throw new ValidationError(`Too many sort keys (at most ${MAX_SORT_ITEMS})`, {
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
    for (const item of list) collect(scope, model, item, prefix, out);
    return;
  }
  if (isPlainObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === 'string' && !value.includes(',') && !value.includes(':') && isDirection(value)) {
        out.push(resolve(scope, model, [...prefix, key], value));
      } else if (isPlainObject(value)) {
        collect(scope, model, value, [...prefix, key], out);
      } else {
        throw new ValidationError(
          `Invalid sort parameter at ${[...prefix, key].join('.')}: expected asc or desc`,
          {
            source: 'query',
            param: 'sort',
          },
        );
      }
    }
    return;
  }
  throw new ValidationError('Invalid sort parameter: expected a string, an array or an object', {
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
    throw new ValidationError('Invalid order. order can only be one of asc|desc|ASC|DESC', {
      source: 'query',
      param: 'sort',
    });
  }
  const direction = order.toLowerCase() as 'asc' | 'desc';
  const steps: RelatedLink[] = [];
  let model = root;
  // The error names the segment that fails, with the full path for context.
  const fail = (index: number) =>
    invalidKey(path[index], {
      source: 'query',
      param: 'sort',
      path: path.length > 1 ? path.join('.') : undefined,
    });
  for (let i = 0; i < path.length - 1; i++) {
    const attribute = model.attributes.get(path[i]);
    const link = attribute && !attribute.private ? resolveLink(scope, model, attribute) : undefined;
    if (!link || link === 'unavailable' || link === 'restricted') throw fail(i);
    steps.push(link);
    model = linkedModel(link);
  }
  const field = model.fields.get(path[path.length - 1]);
  if (!field || field.private || field.type === 'password') throw fail(path.length - 1);
  return { path, steps, field, direction };
}
