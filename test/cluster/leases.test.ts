import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { LeaderElector } from '../../src/cluster/leader.js';
import { Leases, StaleLeaseError } from '../../src/cluster/leases.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/node/database.js';
import type { Database } from '../../src/db/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { fixtureAppPath } from '../helpers/node.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase('leases and leader election', (kind) => {
  let db: TestDatabase;
  let database: Database;
  let leases: Leases;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = loadConfig({ appDir: fixtureAppPath('kitchen'), env: { DATABASE_URL: db.url } });
    database = (await openDatabase(config, logger)).database;
    leases = new Leases(database);
  });
  afterAll(async () => {
    await database.close();
    await db.drop();
  });

  it('gives a lease to one holder at a time; the token grows on every change of holder', async () => {
    const a = await leases.acquire('l1', 'node-a', 300);
    expect(a).toEqual({ name: 'l1', holder: 'node-a', token: 1 });
    expect(await leases.acquire('l1', 'node-b', 300)).toBeUndefined();
    // Renewing keeps the token.
    expect(await leases.acquire('l1', 'node-a', 300)).toEqual(a);
    expect(await leases.renew(a!, 300)).toBe(true);
    await sleep(400);
    const b = await leases.acquire('l1', 'node-b', 300);
    expect(b).toEqual({ name: 'l1', holder: 'node-b', token: 2 });
    // The old holder can no longer renew, and its work is rejected by the fence.
    expect(await leases.renew(a!, 300)).toBe(false);
    await expect(database.transaction((trx) => leases.fence(trx, a!))).rejects.toBeInstanceOf(
      StaleLeaseError,
    );
    await expect(database.transaction((trx) => leases.fence(trx, b!))).resolves.toBeUndefined();
  });

  it('a released lease is free at once', async () => {
    const a = await leases.acquire('l2', 'node-a', 60_000);
    await leases.release(a!);
    expect(await leases.acquire('l2', 'node-b', 60_000)).toEqual({ name: 'l2', holder: 'node-b', token: 2 });
  });

  it('two nodes racing for an expired lease: exactly one wins', async () => {
    await leases.acquire('l3', 'node-a', 100);
    await sleep(200);
    const results = await Promise.all(
      ['x', 'y', 'z', 'w'].map((n) => leases.acquire('l3', `node-${n}`, 60_000)),
    );
    const winners = results.filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.token).toBe(2);
  });

  it('elects one leader; when it stops, another takes over with a higher token', async () => {
    const electors = ['p', 'q', 'r'].map(
      (n) => new LeaderElector(leases, { name: 'leader-test', nodeId: `node-${n}`, ttlMs: 600, logger }),
    );
    for (const e of electors) e.start();
    const deadline = Date.now() + 5000;
    while (!electors.some((e) => e.isLeader) && Date.now() < deadline) await sleep(20);
    await sleep(300);
    const leaders = electors.filter((e) => e.isLeader);
    expect(leaders).toHaveLength(1);
    const first = leaders[0].lease!;
    await leaders[0].stop();
    const rest = electors.filter((e) => e !== leaders[0]);
    while (!rest.some((e) => e.isLeader) && Date.now() < deadline + 5000) await sleep(20);
    const next = rest.find((e) => e.isLeader)!;
    expect(next.lease!.token).toBeGreaterThan(first.token);
    for (const e of rest) await e.stop();
  });

  it('stopping while a renewal is in flight still releases the lease, not a TTL later', async () => {
    // The renewal's database work is held back until stop() has begun, as when SIGTERM arrives while
    // a renewal is on the wire: the released lease must stay released.
    let holdRenewals = false;
    let renewalStarted!: () => void;
    const started = new Promise<void>((resolve) => (renewalStarted = resolve));
    const slowLeases = new (class extends Leases {
      override async acquire(name: string, holder: string, ttlMs: number) {
        if (holdRenewals) {
          renewalStarted();
          await sleep(300);
        }
        return super.acquire(name, holder, ttlMs);
      }
    })(database);
    const elector = new LeaderElector(slowLeases, {
      name: 'stop-race',
      nodeId: 'node-s',
      ttlMs: 3000,
      logger,
    });
    elector.start();
    const deadline = Date.now() + 5000;
    while (!elector.isLeader && Date.now() < deadline) await sleep(20);
    expect(elector.isLeader).toBe(true);
    holdRenewals = true;
    await started; // the next tick (after ttl/3) is now in flight
    await elector.stop();
    await sleep(500); // long after the held-back renewal has reached the database
    expect((await leases.read('stop-race'))?.expired).toBe(true);
    expect(await leases.acquire('stop-race', 'node-t', 3000)).toMatchObject({ holder: 'node-t', token: 2 });
  });
});
