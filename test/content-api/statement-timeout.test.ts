import { sql } from 'kysely';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError, translateDbError } from '../../src/db/errors.js';
import { connectSqlite } from '../../src/db/sqlite/connect.js';
import { connectPostgres } from '../../src/db/postgres/connect.js';
import type { Database } from '../../src/db/types.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { expectError } from '../helpers/content-query.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * The statement time limit (`database.statementTimeoutMs`, issue 16): a read the database stops answers
 * 503 in Strapi's error shape, on both databases, and the node goes on serving. PostgreSQL enforces it
 * with statement_timeout; SQLite, whose statements run on Node's main thread, with the watchdog
 * extension (native/sqlite-watchdog.c), which interrupts a statement from another thread.
 */

/** A statement that runs for ever unless stopped (SQLite: a recursive count; PostgreSQL: a sleep). */
const endless = (database: Database) =>
  database.kind === 'sqlite'
    ? sql`with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n where x < 1e15`
    : sql`select pg_sleep(60)`;
/** A statement that runs for about `ms` (sleeping on PostgreSQL, counting on SQLite). */
const lasting = (database: Database, ms: number) =>
  database.kind === 'sqlite'
    ? sql`with recursive n(x) as (select 1 union all select x + 1 from n where x < ${ms * 20_000}) select count(*) from n`
    : sql`select pg_sleep(${ms / 1000})`;

async function stopped(run: Promise<unknown>): Promise<DbError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => translateDbError(err),
  );
  expect(error).toBeInstanceOf(DbError);
  return error as DbError;
}

describe.each(['sqlite', 'postgres'] as const)('statement time limit in the database layer [%s]', (kind) => {
  let test: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    if (kind === 'postgres' && !postgresAvailable()) return;
    test = await createTestDatabase(kind);
    database =
      kind === 'sqlite'
        ? connectSqlite(test.url.slice('sqlite:'.length), { statementTimeoutMs: 200 })
        : await connectPostgres({ url: test.url, poolMax: 2, statementTimeoutMs: 200 });
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it.skipIf(kind === 'postgres' && !postgresAvailable())(
    'stops a statement past the limit, as a timeout, and the connection goes on',
    async () => {
      const started = Date.now();
      const error = await stopped(endless(database).execute(database.db));
      expect(error.kind).toBe('timeout');
      // Stopped near the limit, not after the statement's hours of work (the deadline is generous).
      expect(Date.now() - started).toBeLessThan(10_000);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(rows).toEqual([{ one: 1 }]);
    },
  );

  it.skipIf(kind === 'postgres' && !postgresAvailable())(
    'lifts the limit for one transaction (migrations, schema changes), then applies it again',
    async () => {
      await database.transaction(async (trx) => {
        await database.dialect.liftStatementTimeout(trx);
        await lasting(database, 600).execute(trx);
      });
      expect((await stopped(endless(database).execute(database.db))).kind).toBe('timeout');
      // A transaction that was stopped rolled back, and the next one starts clean.
      await expect(
        database.transaction(async (trx) => {
          await endless(database).execute(trx);
        }),
      ).rejects.toSatisfy((err) => (translateDbError(err) as DbError).kind === 'timeout');
      await database.transaction(async (trx) => {
        await sql`select 1`.execute(trx);
      });
    },
  );
});

describeEachDatabase('a read stopped by the statement time limit', (kind) => {
  let t: TestNode;
  const ROWS = 20_000;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations', config: { database: { statementTimeoutMs: 150 } } });
    const database = t.node.database;
    const res = await t.request({ method: 'POST', url: '/api/tags', body: { data: { name: 'seed' } } });
    expect(res.status, res.body).toBe(201);
    // Many rows, written in one statement (with the limit lifted for it).
    await database.transaction(async (trx) => {
      await database.dialect.liftStatementTimeout(trx);
      if (kind === 'sqlite')
        await sql`with recursive n(x) as (select 1 union all select x + 1 from n where x < ${ROWS})
          insert into tags (document_id, name, created_at, updated_at, published_at)
          select 'bulk' || x, 'tag number ' || x, created_at, updated_at, published_at from n, tags where tags.name = 'seed'`.execute(
          trx,
        );
      else
        await sql`insert into tags (document_id, name, created_at, updated_at, published_at)
          select 'bulk' || x, 'tag number ' || x, created_at, updated_at, published_at
          from generate_series(1, ${ROWS}) as x, tags where tags.name = 'seed'`.execute(trx);
    });
  }, 120_000);
  afterAll(() => t?.close());

  it('answers 503 in Strapi error shape, and the node goes on serving', async () => {
    // 240 case-insensitive matches over every row: far more work than 150 ms on either database.
    const filters = { $or: Array.from({ length: 240 }, (_, i) => ({ name: { $containsi: `zz${i}` } })) };
    const res = await t.request({ url: `/api/tags?${qs.stringify({ filters })}` });
    const error = expectError(res, 503, 'ServiceUnavailableError');
    expect(error.message).toMatch(/took too long/);
    expect(error.details).toEqual({ reason: 'statement-timeout' });
    expect(res.body).not.toMatch(/select|interrupt|statement_timeout|canceling/i);

    expect((await t.request({ url: '/_health' })).status).toBe(204);
    const after = await t.request({ url: '/api/tags?filters[name][$eq]=seed' });
    expect(after.status, after.body).toBe(200);
    expect(after.json().data).toHaveLength(1);
  });

  it('names its code, QUORUM_STATEMENT_TIMEOUT, in X-Quorum-Error-Code (issue 17)', async () => {
    const filters = { $or: Array.from({ length: 240 }, (_, i) => ({ name: { $containsi: `yy${i}` } })) };
    const res = await t.request({ url: `/api/tags?${qs.stringify({ filters })}` });
    expect(res.status, res.body).toBe(503);
    expect(res.headers['x-quorum-error-code']).toBe('QUORUM_STATEMENT_TIMEOUT');
  });
});
