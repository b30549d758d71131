import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Logger } from 'pino';
import { postgresConnectError } from '../connect-errors.js';
import { QueryEvents } from '../query-events.js';
import type { Database, Executor } from '../types.js';
import { createPostgresDialect } from './dialect.js';
import { TranslatingPostgresDriver } from './driver.js';

const { Pool, types } = pg;

// Type parsers for this pool only (not the process-wide pg.types): dates stay strings, timestamps
// become ISO-8601 UTC strings, 64-bit integers stay strings (the API returns them as strings).
const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const;
const typeOverrides: Record<number, (value: string) => unknown> = {
  [OID.date]: (value) => value,
  [OID.timestamptz]: (value) => new Date(types.getTypeParser(OID.timestamptz)(value) as Date).toISOString(),
  [OID.timestamp]: (value) => new Date(types.getTypeParser(OID.timestamp)(value) as Date).toISOString(),
  [OID.int8]: (value) => value,
};

export interface PostgresOptions {
  url: string;
  poolMax: number;
  logger?: Logger;
  /** Per-statement time limit (0: none), so a stuck or costly query cannot hold a connection for long. */
  statementTimeoutMs?: number;
}

export async function connectPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    // JIT compilation pays off for long analytical queries, never for a CMS's: the cost estimates of
    // deep relation filters (nested subplans) cross jit_above_cost while the query itself runs in a
    // millisecond, and compiling it took seconds (measured: 3.8 s of JIT for a 0.8 ms read).
    options: '-c TimeZone=UTC -c jit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeOverrides[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle client that loses its connection emits on the pool; without a listener that would crash.
  pool.on('error', (err) => options.logger?.warn({ err: err.message }, 'idle PostgreSQL connection lost'));
  // A checked-out client between two statements (inside a transaction, or just acquired) emits on
  // itself, where the pool listens no more: without this a database outage would crash the process.
  // The broken client fails its next statement and the pool discards it on release.
  pool.on('connect', (client) =>
    client.on('error', (err) => {
      // While idle the pool listens too, and reports it (above).
      if (client.listenerCount('error') === 1)
        options.logger?.warn({ err: err.message }, 'PostgreSQL connection lost while in use');
    }),
  );

  const events = new QueryEvents();
  // Kysely's PostgreSQL dialect, its driver wrapped so that failures reach the layers above as DbErrors.
  const postgres = new PostgresDialect({ pool });
  const db: Executor = new Kysely({
    log: events.log,
    dialect: {
      createAdapter: () => postgres.createAdapter(),
      createDriver: () => new TranslatingPostgresDriver(postgres.createDriver()),
      createIntrospector: (k) => postgres.createIntrospector(k),
      createQueryCompiler: () => postgres.createQueryCompiler(),
    },
  });
  let icu: boolean;
  try {
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_collation where collname = 'und-x-icu'`.execute(db);
    icu = rows[0].n > 0;
  } catch (err) {
    await db.destroy();
    throw postgresConnectError(err, options.url);
  }
  if (!icu) {
    options.logger?.warn(
      'PostgreSQL has no ICU collation: case-insensitive filters fold case with the database collation',
    );
  }

  return {
    kind: 'postgres',
    db,
    onQuery: (listener) => events.subscribe(listener),
    dialect: createPostgresDialect({ icu }),
    transaction: (fn) => db.transaction().execute(fn),
    async ping() {
      await sql`select 1`.execute(db);
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolMax,
    }),
    async close() {
      await db.destroy();
    },
  };
}
