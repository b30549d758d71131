import type { ModelInfo } from '../../api/content-types';
import { mainField } from '../../api/content-types';

const LISTABLE = new Set([
  'string',
  'email',
  'uid',
  'integer',
  'biginteger',
  'float',
  'decimal',
  'boolean',
  'enumeration',
  'date',
  'datetime',
]);

/** The list's columns: the main field, then up to three more short scalar attributes. */
export function listColumns(type: ModelInfo): { name: string; label: string; type: string }[] {
  const main = mainField(type);
  const attributes = Object.entries(type.definition.attributes).filter(
    ([name, a]) => !a.private && LISTABLE.has(a.type) && name !== main,
  );
  const first = main === 'documentId' ? [] : [[main, type.definition.attributes[main]] as const];
  return [...first, ...attributes.slice(0, 3)].map(([name, a]) => ({
    name,
    label: labelOf(name),
    type: a.type,
  }));
}

/** `readingTime` → `Reading time`. */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export function formatCell(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  if (type === 'boolean') return value ? 'Yes' : 'No';
  if (type === 'datetime' && typeof value === 'string') return new Date(value).toLocaleString();
  return String(value);
}
