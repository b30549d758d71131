import { ValidationError } from '../core/errors.js';
import { isPlainObject } from '../core/query/raw.js';

/** What a client may say about a file: Strapi's `fileInfo`. */
export interface FileInfo {
  readonly name?: string;
  readonly alternativeText?: string | null;
  readonly caption?: string | null;
}

const KEYS = new Set(['name', 'alternativeText', 'caption', 'folder']);
export const MAX_TEXT = 10_000;

/**
 * The `fileInfo` fields of an upload, one per file: Strapi accepts one JSON object (for one file), a
 * JSON array (one entry per file) or the field repeated. Anything malformed is a 400 naming the problem.
 */
export function parseFileInfo(fields: readonly string[], fileCount: number): FileInfo[] {
  const values: unknown[] = [];
  for (const field of fields) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(field);
    } catch {
      throw new ValidationError('fileInfo must be JSON', { key: 'fileInfo', source: 'body' });
    }
    if (Array.isArray(parsed)) values.push(...parsed);
    else values.push(parsed);
  }
  if (values.length > Math.max(fileCount, 1))
    throw new ValidationError(`fileInfo has ${values.length} entries for ${fileCount} file(s)`, {
      key: 'fileInfo',
      source: 'body',
    });
  return values.map((value, index) => checkInfo(value, values.length > 1 ? index : undefined));
}

/** One file's info (a JSON object, or nothing); `index` names the entry in error messages. */
export function checkInfo(value: unknown, index?: number): FileInfo {
  const at = index === undefined ? 'fileInfo' : `fileInfo[${index}]`;
  const fail = (message: string) => new ValidationError(message, { key: 'fileInfo', source: 'body' });
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw fail(`${at} must be an object`);
  for (const key of Object.keys(value)) if (!KEYS.has(key)) throw fail(`${at}: invalid key ${key}`);
  const info: { name?: string; alternativeText?: string | null; caption?: string | null } = {};
  if (value.name !== undefined && value.name !== null) {
    if (typeof value.name !== 'string' || value.name.trim() === '' || value.name.length > 255)
      throw fail(`${at}.name must be a non-empty string of at most 255 characters`);
    info.name = value.name;
  }
  for (const key of ['alternativeText', 'caption'] as const) {
    const text = value[key];
    if (text === undefined) continue;
    if (text !== null && (typeof text !== 'string' || text.length > MAX_TEXT))
      throw fail(`${at}.${key} must be a string of at most ${MAX_TEXT} characters, or null`);
    info[key] = text as string | null;
  }
  return info;
}
