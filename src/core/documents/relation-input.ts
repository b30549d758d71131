import { ValidationError } from '../errors.js';
import { isPlainObject } from '../query/raw.js';
import type { RelationAttribute } from '../schema/model.js';
import type { RelationView } from '../schema/relations.js';

export type Path = readonly (string | number)[];

/** A reference to a related document as clients write it: by documentId, or by numeric row id. */
export interface RelationRef {
  readonly documentId?: string;
  readonly id?: number;
  readonly position?: Position;
  readonly path: Path;
}

export type Position =
  | { readonly before: RelationRef }
  | { readonly after: RelationRef }
  | { readonly start: true }
  | { readonly end: true };

/** A validated relation write: replace the list (`set`), or connect and disconnect within it. */
export interface RelationChange {
  readonly attribute: RelationAttribute;
  readonly view: RelationView;
  readonly set?: readonly RelationRef[];
  readonly connect: readonly RelationRef[];
  readonly disconnect: readonly RelationRef[];
  readonly path: Path;
}

const MAX_REFS = 1000;
const OPERATION_KEYS = new Set(['connect', 'disconnect', 'set', 'options']);

function fail(path: Path, message: string): never {
  throw new ValidationError(message, { errors: [{ path: [...path], message, name: 'ValidationError' }] });
}

/**
 * Every form of reference §5.3: shorthand (documentId, numeric id, arrays of either, objects with
 * documentId or id), `null` to clear, and `{ connect, disconnect, set }` with positional connects.
 */
export function parseRelationInput(
  attribute: RelationAttribute,
  view: RelationView,
  value: unknown,
  path: Path,
): RelationChange {
  const base = { attribute, view, path };
  const toOne = !view.toMany;
  if (value === null) return { ...base, set: [], connect: [], disconnect: [] };
  if (isPlainObject(value) && Object.keys(value).some((k) => OPERATION_KEYS.has(k))) {
    for (const key of Object.keys(value)) {
      if (!OPERATION_KEYS.has(key))
        fail([...path, key], `${path.join('.')}: unknown key "${key}" (use connect, disconnect or set)`);
    }
    if (value.set !== undefined && (value.connect !== undefined || value.disconnect !== undefined)) {
      fail(path, `${path.join('.')}: "set" cannot be combined with "connect" or "disconnect"`);
    }
    const set = value.set === undefined ? undefined : refs(value.set, [...path, 'set'], false);
    if (set && toOne && set.length > 1)
      fail(path, `${path.join('.')} is a to-one relation: set at most one document`);
    const connect = value.connect === undefined ? [] : refs(value.connect, [...path, 'connect'], true);
    const disconnect =
      value.disconnect === undefined ? [] : refs(value.disconnect, [...path, 'disconnect'], false);
    // For a to-one relation the last connected document wins, as in Strapi.
    return { ...base, set, connect: toOne ? connect.slice(-1) : connect, disconnect };
  }
  const set = refs(value, path, false);
  if (toOne && set.length > 1) fail(path, `${path.join('.')} is a to-one relation: give one document`);
  return { ...base, set, connect: [], disconnect: [] };
}

function refs(value: unknown, path: Path, allowPosition: boolean): RelationRef[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_REFS) fail(path, `${path.join('.')}: at most ${MAX_REFS} documents per write`);
  return list.map((item, i) => ref(item, Array.isArray(value) ? [...path, i] : path, allowPosition));
}

function ref(item: unknown, path: Path, allowPosition: boolean): RelationRef {
  if (typeof item === 'string') return documentIdRef(item, path);
  if (typeof item === 'number') return idRef(item, path);
  if (!isPlainObject(item))
    fail(path, `${path.join('.')}: expected a documentId, an id or an object with one`);
  for (const key of Object.keys(item)) {
    if (!['documentId', 'id', 'position', 'locale', 'status'].includes(key))
      fail([...path, key], `${path.join('.')}: unknown key "${key}"`);
  }
  if (item.position !== undefined && !allowPosition)
    fail([...path, 'position'], `${path.join('.')}: position is only allowed in connect`);
  const position =
    item.position === undefined ? undefined : parsePosition(item.position, [...path, 'position']);
  if (item.documentId !== undefined) {
    if (typeof item.documentId !== 'string')
      fail([...path, 'documentId'], `${path.join('.')}.documentId must be a string`);
    return { ...documentIdRef(item.documentId, path), position };
  }
  if (item.id !== undefined) return { ...idRef(item.id, path), position };
  return fail(path, `${path.join('.')}: give a documentId or an id`);
}

function documentIdRef(value: string, path: Path): RelationRef {
  // A numeric string is an id, as Strapi reads it.
  if (/^\d+$/.test(value)) return idRef(Number(value), path);
  if (value.length === 0 || value.length > 255)
    fail(path, `${path.join('.')}: "${value.slice(0, 40)}" is not a valid documentId`);
  return { documentId: value, path };
}

function idRef(value: unknown, path: Path): RelationRef {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    fail(path, `${path.join('.')}: ids are positive integers`);
  return { id: value, path };
}

function parsePosition(value: unknown, path: Path): Position {
  if (!isPlainObject(value)) fail(path, `${path.join('.')} must be an object`);
  const keys = Object.keys(value).filter((k) => k !== 'locale' && k !== 'status');
  if (keys.length !== 1) fail(path, `${path.join('.')} needs exactly one of before, after, start, end`);
  const [key] = keys;
  if (key === 'start' || key === 'end') {
    if (value[key] !== true && value[key] !== 'true') fail(path, `${path.join('.')}.${key} must be true`);
    return key === 'start' ? { start: true } : { end: true };
  }
  if (key === 'before' || key === 'after') {
    const target = ref(value[key], [...path, key], false);
    return key === 'before' ? { before: target } : { after: target };
  }
  return fail(path, `${path.join('.')}: unknown position "${key}"`);
}
