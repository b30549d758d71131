import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError, type DbErrorKind } from '../../src/db/errors.js';
import { connectPostgres } from '../../src/db/postgres/connect.js';
import { connectSqlite } from '../../src/db/sqlite/connect.js';
import type { Database, Executor } from '../../src/db/types.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Driver errors are translated once, where the executor runs statements (issue 17): a statement that
 * fails through `database.db` or a transaction rejects with a DbError of the right kind, on both
 * databases, without anyone above db/ calling a translation.
 */

async function failure(run: Promise<unknown>): Promise<DbError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DbError);
  return error as DbError;
}

async function expectKind(run: Promise<unknown>, kind: DbErrorKind): Promise<DbError> {
  const error = await failure(run);
  expect(error.kind, error.message).toBe(kind);
  return error;
}

describe.each(['sqlite', 'postgres'] as const)('driver errors at the executor [%s]', (kind) => {
  const skip = kind === 'postgres' && !postgresAvailable();
  let test: TestDatabase;
  let database: Database;
  let db: Executor;

  beforeAll(async () => {
    if (skip) return;
    test = await createTestDatabase(kind);
    database =
      kind === 'sqlite'
        ? connectSqlite(test.url.slice('sqlite:'.length))
        : await connectPostgres({ url: test.url, poolMax: 3 });
    db = database.db;
    await sql`create table owners (id integer primary key, name text not null)`.execute(db);
    await sql`create unique index owners_name_uq on owners (name)`.execute(db);
    await sql`create table pets (id integer primary key, owner_id integer not null references owners (id))`.execute(
      db,
    );
    await sql`insert into owners (id, name) values (1, 'ada')`.execute(db);
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it.skipIf(skip)('a unique index that fires is kind unique, naming the column or index', async () => {
    const error = await expectKind(
      sql`insert into owners (id, name) values (2, 'ada')`.execute(db),
      'unique',
    );
    // SQLite names "table.column", PostgreSQL the index: what withDbErrors maps to the attribute.
    expect(error.constraint).toBe(kind === 'sqlite' ? 'owners.name' : 'owners_name_uq');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it.skipIf(skip)('not null and foreign keys have their kinds, through the query builder too', async () => {
    await expectKind(db.insertInto('owners').values({ id: 3, name: null }).execute(), 'not_null');
    await expectKind(db.insertInto('pets').values({ id: 1, owner_id: 99 }).execute(), 'foreign_key');
  });

  it.skipIf(skip)('inside a transaction, and the transaction rolls back', async () => {
    await expectKind(
      database.transaction(async (trx) => {
        await sql`insert into owners (id, name) values (4, 'grace')`.execute(trx);
        await sql`insert into owners (id, name) values (5, 'grace')`.execute(trx);
      }),
      'unique',
    );
    const { rows } = await sql<{ n: number }>`select count(*) as n from owners`.execute(db);
    expect(Number(rows[0].n)).toBe(1);
  });
});

describe.skipIf(!postgresAvailable())('PostgreSQL failures outside a statement', () => {
  let test: TestDatabase;
  let proxy: TcpProxy;
  let database: Database;

  beforeAll(async () => {
    test = await createTestDatabase('postgres');
    const direct = new URL(test.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    database = await connectPostgres({ url: proxy.rewrite(test.url), poolMax: 2 });
    await sql`create table counters (id integer primary key, n integer not null)`.execute(database.db);
    await sql`insert into counters values (1, 0), (2, 0)`.execute(database.db);
  });
  afterAll(async () => {
    await proxy?.restore();
    await database?.close();
    await proxy?.close();
    await test?.drop();
  });

  it('a deadlock is kind serialization (the whole transaction may be retried)', async () => {
    // Two transactions lock the two rows in opposite orders; PostgreSQL cancels one of them.
    let locked = 0;
    let bothLocked!: () => void;
    const both = new Promise<void>((resolve) => (bothLocked = resolve));
    const crossing = (first: number, second: number) =>
      database.transaction(async (trx) => {
        await sql`update counters set n = n + 1 where id = ${first}`.execute(trx);
        if (++locked === 2) bothLocked();
        await both;
        await sql`update counters set n = n + 1 where id = ${second}`.execute(trx);
      });
    const outcomes = await Promise.allSettled([crossing(1, 2), crossing(2, 1)]);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(DbError);
    expect((refused[0].reason as DbError).kind).toBe('serialization');
  });

  it('a server that cannot be reached is kind unavailable, for a pooled connection and a new one', async () => {
    await proxy.cut();
    // The pool's idle connections were cut: the first statement finds its connection gone, later
    // ones cannot connect at all.
    for (let i = 0; i < 3; i++) await expectKind(sql`select 1`.execute(database.db), 'unavailable');
    await proxy.restore();
  });
});
