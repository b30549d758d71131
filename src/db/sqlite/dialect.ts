import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { LIST_PLACEHOLDER, type MatchMode, type SqlDialect } from '../dialect.js';
import type { Executor, Storage } from '../types.js';
import { sqliteStoredRendering } from './rendered.js';
import { LIFT_FUNCTION } from './watchdog.js';

/** Name of the SQL function registered on every SQLite connection; see connect.ts. */
export const UNICODE_LOWER_FUNCTION = 'quorum_lower';

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}
/** Rows containing a character that lower-cases to ASCII outside ASCII: see equalsFolded. */
const UNICODE_TO_ASCII = '*[\u0130\u212a]*';

const COLUMN_TYPES: Record<Storage, string> = {
  text: 'text',
  integer: 'integer',
  bigint: 'integer',
  float: 'real',
  decimal: 'real',
  boolean: 'integer',
  date: 'text',
  time: 'text',
  // ISO-8601 UTC with milliseconds: lexicographic order is chronological order.
  datetime: 'text',
  json: 'text',
};

// GLOB is SQLite's case-sensitive matcher (LIKE folds ASCII case). Its metacharacters are * ? [ and
// each is matched literally when wrapped in brackets.
function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, (ch) => `[${ch}]`);
}

export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  idColumnDefinition: '"id" integer primary key autoincrement',
  nullsFirstInIndex: '',
  // bigint is read through a cast to text (see selectColumn), so it arrives as a string too.
  readsAsIs: new Set<Storage>(['text', 'integer', 'bigint', 'float', 'decimal', 'date', 'time', 'datetime']),

  columnType(storage) {
    return COLUMN_TYPES[storage];
  },

  toDb(storage, value) {
    if (value === null || value === undefined) return null;
    switch (storage) {
      case 'boolean':
        return value ? 1 : 0;
      case 'json':
        return JSON.stringify(value);
      case 'bigint':
        return typeof value === 'string' ? BigInt(value) : value;
      default:
        return value;
    }
  },

  fromDb(storage, value) {
    if (value === null || value === undefined) return null;
    switch (storage) {
      case 'boolean':
        return value === 1 || value === true;
      case 'json':
        return typeof value === 'string' ? JSON.parse(value) : value;
      case 'bigint':
        return String(value);
      default:
        return value;
    }
  },

  selectColumn(table, column, storage, alias) {
    // Read 64-bit integers as text so values beyond 2^53 survive (the API returns them as strings).
    if (storage === 'bigint') return sql`cast(${sql.ref(`${table}.${column}`)} as text)`.as(alias);
    return sql`${sql.ref(`${table}.${column}`)}`.as(alias);
  },

  // JavaScript folds exactly two non-ASCII characters to ASCII ones: İ (U+0130 → i + U+0307) and the
  // Kelvin sign (U+212A → k). For an ASCII-only value, SQLite's built-in ASCII folding (NOCASE, LIKE)
  // is therefore exact on every row that contains neither — only those few rows pay for the JS function.
  folded: {
    equals(expr, value) {
      if (!isAscii(value)) return undefined;
      return sql<SqlBool>`(${expr} = ${value} collate nocase or (${expr} glob ${UNICODE_TO_ASCII} and ${sqliteDialect.lower(expr)} = ${value}))`;
    },
    match(expr, mode, value) {
      if (!isAscii(value)) return undefined;
      const folded = sqliteDialect.match(sqliteDialect.lower(expr), mode, value);
      const escaped = value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
      const pattern =
        mode === 'contains' ? `%${escaped}%` : mode === 'startsWith' ? `${escaped}%` : `%${escaped}`;
      return sql<SqlBool>`(${expr} like ${pattern} escape '\\' or (${expr} glob ${UNICODE_TO_ASCII} and ${folded}))`;
    },
  },

  lower(expr) {
    return sql<string>`${sql.raw(UNICODE_LOWER_FUNCTION)}(${expr})`;
  },

  match(expr: Expression<unknown>, mode: MatchMode, value: string): RawBuilder<SqlBool> {
    const escaped = escapeGlob(value);
    const pattern =
      mode === 'contains' ? `*${escaped}*` : mode === 'startsWith' ? `${escaped}*` : `*${escaped}`;
    return sql<SqlBool>`${expr} glob ${pattern}`;
  },

  inList(expr, values) {
    const param = values === LIST_PLACEHOLDER ? LIST_PLACEHOLDER : JSON.stringify(values);
    return sql<SqlBool>`${expr} in (select value from json_each(${sql.val(param)}))`;
  },

  listParam(values) {
    return JSON.stringify(values);
  },

  now(offsetMs = 0) {
    if (offsetMs === 0) return sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
    return sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`${offsetMs >= 0 ? '+' : ''}${offsetMs / 1000} seconds`})`;
  },

  async schemaLock() {
    // Transactions on SQLite begin IMMEDIATE (see driver.ts): the write lock is already held.
  },

  async liftStatementTimeout(trx: Executor) {
    await sql`select ${sql.raw(LIFT_FUNCTION)}()`.execute(trx);
  },
  setFence: sql``,

  json: {
    value(column, storage) {
      switch (storage) {
        case 'text':
        case 'integer':
        case 'date':
        case 'time':
        case 'datetime':
          return column;
        case 'bigint':
          return sql`cast(${column} as text)`;
        case 'boolean':
          // fromDb reads exactly 1 as true; any other stored value is false.
          return sql`(case when ${column} is null then null when ${column} = 1 then json('true') else json('false') end)`;
        case 'json':
          return sql`json(${column})`;
        default:
          // SQLite writes a real with 15 significant digits (0.1 + 0.2 becomes 0.3): JavaScript's are exact.
          return undefined;
      }
    },
    object(entries) {
      return sql<string>`json_object(${sql.join(entries.map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
    },
    // SQLITE_MAX_FUNCTION_ARG is 1000 in the SQLite that better-sqlite3 12 builds.
    maxEntries: 400,
    stored: sqliteStoredRendering,
  },
};
