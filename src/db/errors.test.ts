import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/helpers/databases.js';
import { connectPostgres } from './postgres/connect.js';
import { connectSqlite } from './sqlite/connect.js';
import { DbError, translateDbError, type DbErrorKind } from './errors.js';
import type { Database } from './types.js';

/**
 * Driver errors become a DbError of a kind at the database boundary (errors.ts), so nothing above db/
 * reads SQLite or PostgreSQL codes. The errors here are the drivers' own, caused for real; the few
 * codes this machine cannot cause (a server starting up, a broken network) are built in the drivers'
 * shape — an Error with a `code` — at the end.
 */

/** The error a statement fails with, as the driver threw it. */
async function failure(run: () => unknown): Promise<Error & { code?: string }> {
  try {
    await run();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the statement to fail');
}

function expectKind(error: unknown, kind: DbErrorKind): void {
  expect(error).toBeInstanceOf(DbError);
  expect((error as DbError).kind, (error as Error).message).toBe(kind);
}

/**
 * The driver failed with `code` (so the test causes what it names), translated to `kind`. A statement
 * run through a connected Database arrives translated already (the driver's error is its cause); one
 * run on a bare driver object is translated here.
 */
async function expectTranslation(run: () => unknown, code: string, kind: DbErrorKind): Promise<void> {
  const error = await failure(run);
  const driverError = (error instanceof DbError ? error.cause : error) as Error & { code?: string };
  expect(driverError.code, driverError.message).toBe(code);
  expectKind(error instanceof DbError ? error : translateDbError(error), kind);
}

describe('translateDbError on SQLite', () => {
  let database: Database;
  beforeAll(async () => {
    database = connectSqlite(':memory:');
    await sql`create table parents (id integer primary key, slug text unique, name text not null)`.execute(
      database.db,
    );
    await sql`create table children (id integer primary key, parent_id integer references parents (id))`.execute(
      database.db,
    );
    await sql`insert into parents (id, slug, name) values (1, 'one', 'One')`.execute(database.db);
  });
  afterAll(() => database?.close());

  const run = (statement: ReturnType<typeof sql>) => () => statement.execute(database.db);

  it('a unique index or primary key violated: unique', async () => {
    await expectTranslation(
      run(sql`insert into parents (id, slug, name) values (2, 'one', 'x')`),
      'SQLITE_CONSTRAINT_UNIQUE',
      'unique',
    );
    await expectTranslation(
      run(sql`insert into parents (id, slug, name) values (1, 'two', 'x')`),
      'SQLITE_CONSTRAINT_PRIMARYKEY',
      'unique',
    );
  });

  it('arrive translated from a connected Database: nothing above db/ sees a driver error', async () => {
    const error = await failure(run(sql`insert into parents (id, slug, name) values (2, 'one', 'x')`));
    expectKind(error, 'unique');
  });

  it('a missing required value: not_null; a dangling reference: foreign_key', async () => {
    await expectTranslation(
      run(sql`insert into parents (id, slug) values (3, 'three')`),
      'SQLITE_CONSTRAINT_NOTNULL',
      'not_null',
    );
    await expectTranslation(
      run(sql`insert into children (id, parent_id) values (1, 99)`),
      'SQLITE_CONSTRAINT_FOREIGNKEY',
      'foreign_key',
    );
  });

  it('a value past SQLite’s length limit: value_too_large', async () => {
    await expectTranslation(run(sql`select zeroblob(2000000000)`), 'SQLITE_TOOBIG', 'value_too_large');
  });

  it('a statement stopped by the time limit (the watchdog’s interrupt): timeout', async () => {
    const limited = connectSqlite(':memory:', { statementTimeoutMs: 50 });
    try {
      const endless = sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000)
        select count(*) from c`;
      await expectTranslation(() => endless.execute(limited.db), 'SQLITE_INTERRUPT', 'timeout');
    } finally {
      await limited.close();
    }
  });

  it('a database another connection holds locked, or a file that cannot be opened: unavailable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorum-db-errors-'));
    const file = path.join(dir, 'data.db');
    const holder = new BetterSqlite3(file);
    const other = new BetterSqlite3(file, { timeout: 0 });
    try {
      holder.exec('create table t (x integer); begin immediate');
      await expectTranslation(async () => other.exec('begin immediate'), 'SQLITE_BUSY', 'unavailable');
      // A directory is no database file.
      await expectTranslation(async () => new BetterSqlite3(dir), 'SQLITE_CANTOPEN', 'unavailable');
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresAvailable())('translateDbError on PostgreSQL', () => {
  let created: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    created = await createTestDatabase('postgres');
    database = await connectPostgres({ url: created.url, poolMax: 2, statementTimeoutMs: 1000 });
    await sql`create table parents (id integer primary key, slug varchar(8) unique, name text not null)`.execute(
      database.db,
    );
    await sql`create table children (id integer primary key, parent_id integer references parents (id))`.execute(
      database.db,
    );
    await sql`create table notes (body text)`.execute(database.db);
    await sql`create index notes_body on notes (body)`.execute(database.db);
    await sql`insert into parents (id, slug, name) values (1, 'one', 'One')`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await created?.drop();
  });

  const run = (statement: ReturnType<typeof sql>) => () => statement.execute(database.db);

  it('23505 unique, 23502 not_null, 23503 foreign_key', async () => {
    await expectTranslation(
      run(sql`insert into parents (id, slug, name) values (2, 'one', 'x')`),
      '23505',
      'unique',
    );
    await expectTranslation(
      run(sql`insert into parents (id, slug) values (3, 'three')`),
      '23502',
      'not_null',
    );
    await expectTranslation(
      run(sql`insert into children (id, parent_id) values (1, 99)`),
      '23503',
      'foreign_key',
    );
  });

  it('arrive translated from a connected Database: nothing above db/ sees a driver error', async () => {
    const error = await failure(run(sql`insert into parents (id, slug, name) values (2, 'one', 'x')`));
    expectKind(error, 'unique');
  });

  it('22001 (longer than the column) and 54000 (an index row too large): value_too_large', async () => {
    await expectTranslation(
      run(sql`insert into parents (id, slug, name) values (4, 'ninechars', 'x')`),
      '22001',
      'value_too_large',
    );
    // Random text does not compress below the B-tree's ~2.7 kB limit.
    const body = Array.from({ length: 3000 }, () =>
      String.fromCharCode(33 + Math.floor(Math.random() * 90)),
    ).join('');
    await expectTranslation(run(sql`insert into notes (body) values (${body})`), '54000', 'value_too_large');
  });

  it('22003, 22021, 22P02, 22007, 22008 (values the column type refuses): invalid_value', async () => {
    await expectTranslation(run(sql`select cast(2147483647 as integer) + 1`), '22003', 'invalid_value');
    await expectTranslation(
      run(sql`insert into notes (body) values (${'nul \u0000 byte'})`),
      '22021',
      'invalid_value',
    );
    await expectTranslation(run(sql`select cast(${'x'} as integer)`), '22P02', 'invalid_value');
    await expectTranslation(run(sql`select cast(${'nonsense'} as timestamptz)`), '22007', 'invalid_value');
    await expectTranslation(run(sql`select cast(${'2020-02-30'} as date)`), '22008', 'invalid_value');
  });

  it('57014 (statement_timeout): timeout', async () => {
    await expectTranslation(run(sql`select pg_sleep(5)`), '57014', 'timeout');
  });

  it('57P01 (the server ended the session) and a refused connection: unavailable', async () => {
    const victim = new pg.Client({ connectionString: created.url });
    victim.on('error', () => {});
    await victim.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
      const sleeping = failure(() => victim.query('select pg_sleep(10)'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sql`select pg_terminate_backend(${rows[0].pid})`.execute(database.db);
      const error = await sleeping;
      expect(error.code, error.message).toBe('57P01');
      expectKind(translateDbError(error), 'unavailable');
    } finally {
      await victim.end().catch(() => {});
    }
    // Port 1 on the loopback interface: nothing listens there.
    const refused = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres' });
    await expectTranslation(() => refused.connect(), 'ECONNREFUSED', 'unavailable');
  });
});

describe('translateDbError on errors this machine cannot cause', () => {
  const driverError = (code: string, message = `driver error ${code}`) =>
    Object.assign(new Error(message), { code });

  it.each([
    ['22P05', 'invalid_value'], // untranslatable character (a database whose encoding is not UTF-8)
    ['57P03', 'unavailable'], // the server is starting up
    ['08000', 'unavailable'],
    ['08003', 'unavailable'],
    ['08006', 'unavailable'],
    ['ECONNRESET', 'unavailable'],
    ['ETIMEDOUT', 'unavailable'],
    ['EPIPE', 'unavailable'],
    ['ENOTFOUND', 'unavailable'],
    ['EHOSTUNREACH', 'unavailable'],
  ] as const)('%s: %s', (code, kind) => {
    expectKind(translateDbError(driverError(code)), kind);
  });

  it('pg’s own messages for a lost or unobtainable connection: unavailable', () => {
    expectKind(translateDbError(new Error('Connection terminated unexpectedly')), 'unavailable');
    expectKind(translateDbError(new Error('timeout exceeded when trying to connect')), 'unavailable');
  });

  it('leaves everything else as it was: unknown codes, plain errors, non-errors, DbErrors', () => {
    for (const error of [
      driverError('SQLITE_ERROR', 'no such table: x'),
      driverError('42P01'),
      new Error('boom'),
      'text',
      null,
    ]) {
      expect(translateDbError(error)).toBe(error);
    }
    const already = new DbError('unique', 'already translated');
    expect(translateDbError(already)).toBe(already);
  });
});
