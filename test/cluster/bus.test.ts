import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'kysely';
import pg from 'pg';
import { InProcessBus } from '../../src/cluster/bus/in-process.js';
import { PostgresBus } from '../../src/cluster/bus/postgres.js';
import { RedisBus } from '../../src/cluster/bus/redis.js';
import type { Bus, BusMessage } from '../../src/cluster/bus/types.js';
import { connectPostgres } from '../../src/db/postgres/connect.js';
import type { Database } from '../../src/db/types.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { inject } from 'vitest';
import { PrivateRedis, SHARED_REDIS_URL } from '../helpers/redis.js';

const logger = pino({ level: 'silent' });

/** Resolves with the first message on `topic` matching `predicate`, or rejects after a generous deadline. */
function next<T>(
  bus: Bus,
  topic: string,
  predicate: (m: BusMessage<T>) => boolean = () => true,
  ms = 5000,
): Promise<BusMessage<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no message on ${topic} within ${ms} ms`));
    }, ms);
    const stop = bus.subscribe<T>(topic, (message) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      stop();
      resolve(message);
    });
  });
}

function signal(subscribe: (handler: () => void) => () => void, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reconnect within ${ms} ms`)), ms);
    const stop = subscribe(() => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

describe('in-process bus', () => {
  it('delivers to subscribers of the topic, with origin and request id', async () => {
    const bus = new InProcessBus('node-1', logger);
    const received = next<{ n: number }>(bus, 'greet');
    await bus.publish('other', {});
    await bus.publish('greet', { n: 1 }, { requestId: 'req-1' });
    expect(await received).toMatchObject({
      topic: 'greet',
      payload: { n: 1 },
      origin: 'node-1',
      requestId: 'req-1',
    });
  });
});

describe.skipIf(!postgresAvailable())('PostgreSQL LISTEN/NOTIFY bus', () => {
  let db: TestDatabase;
  let database: Database;
  let a: PostgresBus;
  let b: PostgresBus;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    database = await connectPostgres({ url: db.url, poolMax: 4 });
    a = new PostgresBus({ url: db.url, db: database.db, nodeId: 'a', logger });
    b = new PostgresBus({ url: db.url, db: database.db, nodeId: 'b', logger });
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.close();
    await db.drop();
  });

  it('delivers a message published on one node to the others', async () => {
    const received = next<{ v: number }>(b, 'schema.changed');
    await a.publish('schema.changed', { v: 7 });
    expect(await received).toMatchObject({ payload: { v: 7 }, origin: 'a' });
  });

  it('a message published in a transaction is delivered only if it commits', async () => {
    const received = next<{ n: string }>(b, 'tx');
    await database
      .transaction(async (trx) => {
        await a.publish('tx', { n: 'rolled back' }, { trx });
        throw new Error('rollback');
      })
      .catch(() => {});
    await database.transaction((trx) => a.publish('tx', { n: 'committed' }, { trx }));
    expect((await received).payload).toEqual({ n: 'committed' });
  });

  it('re-listens after its connection is killed, tells subscribers to resync, and delivers again', async () => {
    const reconnected = signal((h) => b.onReconnect(h));
    // Kill b's listening backend (our own connection; the shared server keeps running).
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`);
    await admin.end();
    await reconnected;
    const received = next<{ after: boolean }>(b, 'again');
    // a's listener may have been killed too; publishing goes through the pool either way.
    await sql`select 1`.execute(database.db);
    await a.publish('again', { after: true });
    expect((await received).payload).toEqual({ after: true });
  });
});

describe('Redis pub/sub bus', () => {
  // Skipped (with the global notice) only when no Redis is reachable and services are not required.
  const available = inject('redisUrl') !== null;

  it.skipIf(!available)('delivers between nodes through the shared Redis', async () => {
    const a = new RedisBus({ url: SHARED_REDIS_URL, nodeId: 'ra', logger });
    const b = new RedisBus({ url: SHARED_REDIS_URL, nodeId: 'rb', logger });
    await Promise.all([a.start(), b.start()]);
    try {
      const received = next<{ x: number }>(b, 'tokens.revoked', (m) => m.origin === 'ra');
      await a.publish('tokens.revoked', { x: 1 });
      expect((await received).payload).toEqual({ x: 1 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it.skipIf(!available)(
    'survives a Redis restart: reconnects, asks subscribers to resync, delivers again',
    async () => {
      const redis = await PrivateRedis.start();
      const a = new RedisBus({ url: redis.url, nodeId: 'pa', logger });
      const b = new RedisBus({ url: redis.url, nodeId: 'pb', logger });
      try {
        await Promise.all([a.start(), b.start()]);
        const reconnected = signal((h) => b.onReconnect(h), 20_000);
        await redis.stop();
        await expect(a.publish('lost', {})).rejects.toBeDefined();
        await redis.start();
        await reconnected;
        const deadline = Date.now() + 10_000;
        let delivered = false;
        while (!delivered && Date.now() < deadline) {
          const received = next(b, 'after-restart', () => true, 500).then(
            () => true,
            () => false,
          );
          await a.publish('after-restart', {}).catch(() => {});
          delivered = await received;
        }
        expect(delivered).toBe(true);
      } finally {
        await a.close();
        await b.close();
        await redis.stop();
      }
    },
    40_000,
  );
});
