import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from 'kysely';
import type { Logger } from 'pino';
import { sqliteOpenError } from '../connect-errors.js';
import { QueryEvents } from '../query-events.js';
import type { Database, Executor } from '../types.js';
import { CachingSqliteDriver } from './driver.js';
import { UNICODE_LOWER_FUNCTION, sqliteDialect } from './dialect.js';
import { limitStatementTime } from './watchdog.js';

export interface SqliteOptions {
  /** Per-statement time limit (0: none); see watchdog.ts. */
  statementTimeoutMs?: number;
  logger?: Logger;
}

export function connectSqlite(filePath: string, options: SqliteOptions = {}): Database {
  let raw: BetterSqlite3.Database;
  try {
    if (filePath !== ':memory:') mkdirSync(path.dirname(filePath), { recursive: true });
    raw = new BetterSqlite3(filePath);
  } catch (err) {
    throw sqliteOpenError(err, filePath);
  }
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  // SQLite's lower() folds ASCII only; the case rules promise JavaScript's full Unicode folding.
  raw.function(UNICODE_LOWER_FUNCTION, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const unlimited = limitStatementTime(raw, options.statementTimeoutMs ?? 0);
  if (unlimited && options.statementTimeoutMs)
    options.logger?.warn({ reason: unlimited }, 'SQLite runs without a statement time limit');

  const events = new QueryEvents();
  const db: Executor = new Kysely({
    log: events.log,
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new CachingSqliteDriver(raw),
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });

  return {
    kind: 'sqlite',
    db,
    onQuery: (listener) => events.subscribe(listener),
    dialect: sqliteDialect,
    transaction: (fn) => db.transaction().execute(fn),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
