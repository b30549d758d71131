/**
 * Driver errors translated at the database boundary into a few kinds the layers above can act on,
 * so nothing above this folder inspects SQLite or PostgreSQL error codes. Each driver translates
 * where it runs statements (sqlite/driver.ts, postgres/driver.ts): every statement that fails through
 * the executor rejects with a DbError when its error has a known meaning.
 */
export type DbErrorKind =
  | 'unique'
  | 'not_null'
  | 'foreign_key'
  | 'value_too_large'
  | 'invalid_value'
  | 'unavailable'
  /** The statement ran past `database.statementTimeoutMs` and was stopped. */
  | 'timeout'
  /** A concurrent transaction won (serialization failure, deadlock): the whole transaction may be retried. */
  | 'serialization';

export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly kind: DbErrorKind,
    message: string,
    /** Index or constraint name when the driver reports one (unique indexes are named by the schema layer). */
    readonly constraint?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const PG_CODES: Record<string, DbErrorKind> = {
  '23505': 'unique',
  '23502': 'not_null',
  '23503': 'foreign_key',
  '54000': 'value_too_large', // program_limit_exceeded: e.g. an index row too large for a B-tree
  '22001': 'value_too_large',
  '22003': 'invalid_value', // numeric out of range
  '22021': 'invalid_value', // character not in repertoire (a NUL byte in text)
  '22P05': 'invalid_value', // untranslatable character
  '22P02': 'invalid_value',
  '22007': 'invalid_value',
  '22008': 'invalid_value',
  '57014': 'timeout', // query_canceled: statement_timeout (or an operator's pg_cancel_backend)
  '40001': 'serialization',
  '40P01': 'serialization', // deadlock_detected
  '57P01': 'unavailable',
  '57P03': 'unavailable',
  '08000': 'unavailable',
  '08003': 'unavailable',
  '08006': 'unavailable',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** A better-sqlite3 error with a known meaning as a DbError, else undefined. */
export function translateSqliteError(err: Error): DbError | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: articles.slug" names the column, not the index.
    const column = /failed: ([^,]+)/.exec(err.message)?.[1];
    return new DbError('unique', err.message, column, err);
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return new DbError('not_null', err.message, undefined, err);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new DbError('foreign_key', err.message, undefined, err);
  if (code === 'SQLITE_TOOBIG') return new DbError('value_too_large', err.message, undefined, err);
  // Only the statement-time-limit watchdog interrupts statements (db/sqlite/watchdog.ts).
  if (code === 'SQLITE_INTERRUPT') return new DbError('timeout', err.message, undefined, err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN')
    return new DbError('unavailable', err.message, undefined, err);
  return undefined;
}

/** A node-postgres (or network) error with a known meaning as a DbError, else undefined. */
export function translatePostgresError(err: Error): DbError | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    const kind = PG_CODES[code];
    if (kind) return new DbError(kind, err.message, (err as { constraint?: string }).constraint, err);
    if (NETWORK_CODES.has(code)) return new DbError('unavailable', err.message, undefined, err);
  }
  if (/Connection terminated|timeout exceeded when trying to connect/i.test(err.message)) {
    return new DbError('unavailable', err.message, undefined, err);
  }
  return undefined;
}

/** Returns a DbError for errors of either driver with a known meaning, or the original error untouched. */
export function translateDbError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof DbError) return err;
  return translateSqliteError(err) ?? translatePostgresError(err) ?? err;
}

/**
 * Runs `run`; when a unique index refuses its write, throws `answer(err)` instead — the answer the
 * caller's pre-check gives, for the concurrent write that passed the pre-check and lost the race.
 */
export async function onUniqueViolation<T>(
  run: () => Promise<T>,
  answer: (err: DbError) => Error,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DbError && err.kind === 'unique') throw answer(err);
    throw err;
  }
}
