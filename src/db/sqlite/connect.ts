import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from 'kysely';
import { QueryEvents } from '../query-events.js';
import type { Database, Executor } from '../types.js';
import { CachingSqliteDriver } from './driver.js';
import { UNICODE_LOWER_FUNCTION, sqliteDialect } from './dialect.js';

export function connectSqlite(filePath: string): Database {
  if (filePath !== ':memory:') mkdirSync(path.dirname(filePath), { recursive: true });
  const raw = new BetterSqlite3(filePath);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  // SQLite's lower() folds ASCII only; the case rules promise JavaScript's full Unicode folding.
  raw.function(UNICODE_LOWER_FUNCTION, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );

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
