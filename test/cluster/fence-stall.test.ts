import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/cluster/leader.js';
import { Leases } from '../../src/cluster/leases.js';
import { loadConfig } from '../../src/config/index.js';
import type { Database, Executor } from '../../src/db/types.js';
import { openDatabase } from '../../src/node/database.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, fixtureAppPath } from '../helpers/node.js';

/**
 * A leader that freezes (SIGSTOP, a long pause, a network partition) inside a fenced transaction
 * keeps the lease row locked. The other nodes must neither wait for it beyond the lease (PostgreSQL
 * ends the frozen session then) nor pile blocked transactions into their pools meanwhile.
 */

const logger = pino({ level: 'silent' });
const TTL_MS = 1500;

describe.skipIf(!postgresAvailable())('a leader frozen inside a fenced transaction', () => {
  let testDb: TestDatabase;
  let other: Database;
  let frozenPool: pg.Pool;
  let frozen: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const config = loadConfig({
      appDir: fixtureAppPath('kitchen'),
      env: { DATABASE_URL: testDb.url, QUORUM_SECRET: TEST_SECRET },
    });
    // Another node's database (pool of ten), with Quorum's tables.
    other = (await openDatabase(config, logger)).database;
    // The frozen node's connection is ended by the server while the test holds it: a pool whose
    // clients listen for that error (a Quorum node's pool would need the same; see the report).
    frozenPool = new pg.Pool({ connectionString: testDb.url, max: 2 });
    frozenPool.on('connect', (client) => client.on('error', () => {}));
    frozenPool.on('error', () => {});
    const db: Executor = new Kysely({ dialect: new PostgresDialect({ pool: frozenPool }) });
    frozen = { ...other, db, transaction: (fn) => db.transaction().execute(fn) };
  });
  afterAll(async () => {
    await frozen?.db.destroy().catch(() => {});
    await other?.close();
    await testDb?.drop();
  });

  it('holds up a takeover no longer than its lease, and fills no other node’s pool', async () => {
    const frozenLeases = new Leases(frozen);
    const lease = (await frozenLeases.acquire('stall-test', 'frozen', TTL_MS))!;
    expect(lease).toBeDefined();
    let thaw!: () => void;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    // Fenced, then frozen before the commit: the session sits idle in its transaction, the row locked.
    const stalled = frozen
      .transaction(async (trx) => {
        await frozenLeases.fence(trx, lease);
        await thawed;
      })
      .then(
        () => 'committed',
        (err: Error) => `failed: ${err.message}`,
      );

    const elector = new LeaderElector(new Leases(other), {
      name: 'stall-test',
      nodeId: 'other',
      ttlMs: TTL_MS,
      logger,
    });
    elector.start();
    try {
      let mostBlocked = 0;
      const deadline = Date.now() + 15_000;
      while (!elector.isLeader && Date.now() < deadline) {
        // The other node's pool keeps answering, and hardly anything waits on the lease row's lock.
        await withTimeout(sql`select 1`.execute(other.db), 2000, 'a query on the other node');
        mostBlocked = Math.max(mostBlocked, await blockedOnLocks(testDb.url));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(elector.isLeader, 'the other node took over').toBe(true);
      expect(elector.lease!.token).toBeGreaterThan(lease.token);
      // At most the transaction of the current tick waits on the lock (the pool holds ten).
      expect(mostBlocked).toBeLessThanOrEqual(1);
    } finally {
      thaw();
      await elector.stop();
    }
    // The frozen node's work was not committed: its session was ended.
    expect(await stalled).toMatch(/^failed: /);
  });
});

async function blockedOnLocks(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
