import type { ScalarType } from './schema/model.js';

/**
 * Turning client values into the normalized JS value of an attribute type, shared by body validation
 * and filter casting. Normalized forms: datetimes are ISO-8601 UTC strings with milliseconds, dates
 * `YYYY-MM-DD`, times `HH:mm:ss.SSS`, big integers decimal strings, booleans booleans.
 * Each function returns the value, or a `Invalid` carrying what was expected.
 */
export class Invalid {
  constructor(readonly expected: string) {}
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Years 0001–9999 keep ISO strings sortable and fit every database's timestamp range.
const EARLIEST = new Date('0001-01-01T00:00:00.000Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?$/;
const ISO_DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
// Deliberately simple: one @, no spaces, a dot in the domain; what most validators accept.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const UID_RE = /^[A-Za-z0-9-_.~]*$/;

const TRUE_STRINGS = new Set(['true', 't', '1']);
const FALSE_STRINGS = new Set(['false', 'f', '0']);

export function parseBoolean(value: unknown): boolean | Invalid {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (TRUE_STRINGS.has(lower)) return true;
    if (FALSE_STRINGS.has(lower)) return false;
  }
  return new Invalid('a boolean (true, false, t, f, 1, 0)');
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (
    typeof value === 'string' &&
    value.trim() !== '' &&
    /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())
  ) {
    return Number(value);
  }
  return undefined;
}

export function parseInteger(value: unknown): number | Invalid {
  const n = toNumber(value);
  if (n === undefined || !Number.isInteger(n)) return new Invalid('an integer');
  if (n < INT32_MIN || n > INT32_MAX) return new Invalid(`an integer between ${INT32_MIN} and ${INT32_MAX}`);
  return n;
}

export function parseBigInteger(value: unknown): string | Invalid {
  let big: bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^[+-]?\d{1,20}$/.test(value.trim())) big = BigInt(value.trim());
  else return new Invalid('an integer');
  if (big < INT64_MIN || big > INT64_MAX) return new Invalid('a 64-bit integer');
  return big.toString();
}

export function parseFloatValue(value: unknown): number | Invalid {
  const n = toNumber(value);
  if (n === undefined || !Number.isFinite(n)) return new Invalid('a finite number');
  return n;
}

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

export function parseDate(value: unknown): string | Invalid {
  if (typeof value !== 'string') return new Invalid('a date (YYYY-MM-DD)');
  // Strapi truncates longer ISO strings to their date part.
  const candidate = value.length > 10 && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  const m = DATE_RE.exec(candidate);
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return new Invalid('a date (YYYY-MM-DD)');
  return candidate;
}

export function parseTime(value: unknown): string | Invalid {
  if (typeof value !== 'string') return new Invalid('a time (HH:mm:ss.SSS)');
  const m = TIME_RE.exec(value);
  if (!m) return new Invalid('a time (HH:mm:ss.SSS)');
  const fraction = (m[4] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${fraction}`;
}

export function parseDateTime(value: unknown): string | Invalid {
  let time: number;
  if (typeof value === 'number') time = value;
  else if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) time = Number(value);
  else if (typeof value === 'string' && ISO_DATETIME_RE.test(value.trim())) {
    const m = ISO_DATETIME_RE.exec(value.trim())!;
    if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return new Invalid('an ISO-8601 date-time');
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) {
      return new Invalid('an ISO-8601 date-time');
    }
    // Without an offset, a date-time is read as UTC (not as the server's local time).
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '').padEnd(3, '0').slice(0, 3)}${normalizeOffset(m[8])}`;
    time = Date.parse(iso);
  } else return new Invalid('an ISO-8601 date-time');
  if (!Number.isFinite(time) || time < EARLIEST || time > LATEST)
    return new Invalid('a date-time between years 0001 and 9999');
  return new Date(time).toISOString();
}

function normalizeOffset(offset: string | undefined): string {
  if (!offset || offset.toUpperCase() === 'Z') return 'Z';
  return offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
}

export function isEmail(value: string): boolean {
  return EMAIL_RE.test(value);
}

// NUL cannot be stored in PostgreSQL text or jsonb (SQLite would take it), and an unpaired surrogate
// is not Unicode at all (each driver mangles it differently): refusing both keeps every database alike.
const UNPAIRED_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string can be stored and read back unchanged on every database. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE_RE.test(value);
}

/**
 * JSON nested deeper than this is refused: SQLite's JSON functions (which render documents, see
 * core/query/render.ts) stop at 1000 levels, and a value every database takes keeps them alike.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Why a JSON value cannot be stored, or undefined when it can: every string (and object key) must be
 * storable text, and the nesting at most MAX_JSON_DEPTH levels. Iterative, so any depth is checked.
 */
export function unstorableJson(root: unknown): 'text' | 'depth' | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return 'text';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) return 'depth';
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        for (const [key, child] of Object.entries(value)) {
          if (!isStorableText(key)) return 'text';
          stack.push([child, depth + 1]);
        }
      }
    }
  }
  return undefined;
}

/**
 * Casts a filter value (query strings carry strings; JSON callers may pass numbers or booleans) to the
 * attribute type's normalized form.
 */
export function castScalar(type: ScalarType, value: unknown): unknown {
  switch (type) {
    case 'integer':
      return parseInteger(value);
    case 'biginteger':
      return parseBigInteger(value);
    case 'float':
    case 'decimal':
      return parseFloatValue(value);
    case 'boolean':
      return parseBoolean(value);
    case 'date':
      return parseDate(value);
    case 'time':
      return parseTime(value);
    case 'datetime':
    case 'timestamp':
      return parseDateTime(value);
    case 'json':
    case 'blocks':
      return value;
    default:
      // A filter value the database cannot even receive (NUL on PostgreSQL) is a 400, not a 500.
      if (typeof value === 'string')
        return isStorableText(value) ? value : new Invalid('text without NUL characters');
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return new Invalid('a string');
  }
}
