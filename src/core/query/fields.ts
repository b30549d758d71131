import { ValidationError, invalidKey } from '../errors.js';
import type { Model, ScalarAttribute } from '../schema/model.js';
import { asList } from './raw.js';

/** The scalars a response carries by default: everything except private and password attributes. */
export function defaultFields(model: Model): ScalarAttribute[] {
  return [...model.fields.values()].filter((f) => !f.private && f.type !== 'password');
}

/**
 * Strapi `fields`: `title`, `title,slug`, `fields[0]=title`, `*` (all). Only scalar, non-private,
 * non-password attributes; `id` and `documentId` are always returned. Output keeps schema order.
 */
export function parseFields(model: Model, raw: unknown): ScalarAttribute[] {
  if (raw === undefined || raw === null) return defaultFields(model);
  let names: string[];
  if (typeof raw === 'string') names = raw.split(',').map((s) => s.trim());
  else {
    const list = asList(raw) ?? (Array.isArray(raw) ? raw : undefined);
    if (!list)
      throw new ValidationError('Invalid fields parameter: expected a string or an array of strings', {
        source: 'query',
        param: 'fields',
      });
    names = list.flatMap((item) => {
      if (typeof item !== 'string')
        throw new ValidationError('Invalid fields parameter: expected strings', {
          source: 'query',
          param: 'fields',
        });
      return item.split(',').map((s) => s.trim());
    });
  }
  names = names.filter(Boolean);
  if (names.length === 0 || names.includes('*')) return defaultFields(model);
  const wanted = new Set(['id', ...(model.fields.has('documentId') ? ['documentId'] : [])]);
  for (const name of names) {
    const field = model.fields.get(name);
    if (!field || field.private || field.type === 'password')
      throw invalidKey(name, { source: 'query', param: 'fields' });
    wanted.add(name);
  }
  return [...model.fields.values()].filter((f) => wanted.has(f.name));
}
