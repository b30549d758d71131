import type { Storage } from '../../db/types.js';
import type { ScalarType } from './model.js';

/** Storage class of every scalar attribute type. */
export const SCALAR_STORAGE: Readonly<Record<ScalarType, Storage>> = {
  string: 'text',
  text: 'text',
  richtext: 'text',
  email: 'text',
  password: 'text',
  uid: 'text',
  enumeration: 'text',
  blocks: 'json',
  json: 'json',
  integer: 'integer',
  biginteger: 'bigint',
  float: 'float',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  datetime: 'datetime',
  timestamp: 'datetime',
};

export function isScalarType(type: string): type is ScalarType {
  return Object.hasOwn(SCALAR_STORAGE, type);
}

/** Types `_q` searches, unless the attribute is private or `searchable: false`. */
export const SEARCHABLE_TYPES: ReadonlySet<ScalarType> = new Set([
  'string',
  'text',
  'richtext',
  'email',
  'uid',
  'enumeration',
]);

/** Types whose values are strings and accept the substring operators. */
export const STRING_TYPES: ReadonlySet<ScalarType> = new Set([
  'string',
  'text',
  'richtext',
  'email',
  'uid',
  'enumeration',
  'password',
]);

export const NON_SCALAR_TYPES = new Set(['relation', 'component', 'dynamiczone', 'media', 'customField']);
