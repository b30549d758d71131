import { invalidKey, queryError } from '../errors.js';
import { defaultFields, isPrivateI18nName, type Model, type ScalarAttribute } from '../schema/model.js';
import { asList } from './raw.js';

/** Strapi's words (convert-query-params.ts). */
const FIELDS_SHAPE = 'Invalid fields parameter. Expected a string or an array of strings';

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
    if (!list) throw queryError(FIELDS_SHAPE);
    names = list.flatMap((item) => {
      if (typeof item !== 'string') throw queryError(FIELDS_SHAPE);
      return item.split(',').map((s) => s.trim());
    });
  }
  names = names.filter(Boolean);
  if (names.length === 0 || names.includes('*')) return defaultFields(model);
  const wanted = new Set(['id', ...(model.fields.has('documentId') ? ['documentId'] : [])]);
  for (const name of names) {
    const field = model.fields.get(name);
    // Strapi names an attribute that may not be selected with its path (the name), an unknown one with none.
    if (!field || field.private || field.type === 'password') {
      const known = field !== undefined || model.attributes.has(name) || isPrivateI18nName(model, name);
      throw invalidKey(name, { source: 'query', param: 'fields', path: known ? name : undefined });
    }
    wanted.add(name);
  }
  return [...model.fields.values()].filter((f) => wanted.has(f.name));
}
