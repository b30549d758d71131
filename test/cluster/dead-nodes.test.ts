import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadNodePruning } from '../../src/cluster/dead-nodes.js';
import { LeaderElector } from '../../src/cluster/leader.js';
import { Leases } from '../../src/cluster/leases.js';
import { FAST_CLUSTER_CONFIG, TestCluster, eventually } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { killAllProcesses, waitFor } from '../helpers/processes.js';

/**
 * Issue 16 ("Hardening from outside"): a node killed without a clean stop never deregisters. Its row
 * must show as `alive: false` for a while (a recent crash stays visible on the dashboard), then the
 * leader forgets it once its last heartbeat is older than 10 × cluster.nodeTtlMs (README, "Run a
 * cluster"). Before, the rows stayed in /admin/api/cluster for ever.
 */

const NODE_TTL_MS = (FAST_CLUSTER_CONFIG.cluster as { nodeTtlMs: number }).nodeTtlMs;
const PRUNE_AFTER_MS = 10 * NODE_TTL_MS;

describe.skipIf(!postgresAvailable())('dead nodes in the cluster status (two real nodes)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  it(
    'kill -9: shown as not alive, then pruned by the leader after the bound',
    { timeout: 120_000 },
    async () => {
      // Kill the leader: the survivor must take over the housekeeping too.
      const leader = await cluster.leader((l) => l.node !== undefined);
      const killed = leader.node!;
      const survivor = cluster.nodes.find((node) => node !== killed)!;
      await cluster.kill(killed);

      const dead = await eventually('the killed node shown as not alive', async () => {
        const { nodes } = await cluster.status(survivor);
        const row = nodes.find((n) => n.id === leader.nodeId);
        return row && !row.alive ? row : undefined;
      });
      expect(dead.alive).toBe(false);

      await eventually(
        'the killed node gone from the cluster status',
        async () => {
          const { nodes } = await cluster.status(survivor);
          return nodes.some((n) => n.id === leader.nodeId) ? undefined : true;
        },
        { timeoutMs: PRUNE_AFTER_MS + 60_000, intervalMs: 250 },
      );
      // Not before the bound (heartbeats are stamped with the database's clock).
      const silentMs = (await cluster.dbNow()).getTime() - Date.parse(dead.heartbeatAt);
      expect(silentMs).toBeGreaterThanOrEqual(PRUNE_AFTER_MS);

      // The survivor is still listed, alive.
      const { nodes } = await cluster.status(survivor);
      expect(nodes.map((n) => [n.id, n.alive])).toEqual([[await cluster.nodeIdOf(survivor), true]]);
    },
  );
});

/** The pruning itself, on one database: leader only, fenced by the lease, recent crashes kept. */
describeEachDatabase('dead-node pruning', (kind) => {
  const logger = pino({ level: 'silent' });
  const TTL_MS = 1000;
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  /** A membership row whose last heartbeat was `silentMs` ago (by the database's clock). */
  async function silentNode(id: string, silentMs: number): Promise<void> {
    const { db, dialect } = t.node.database;
    await db
      .insertInto('quorum_nodes')
      .values({
        id,
        host: 'gone',
        port: 1,
        version: '0.1.0',
        pid: 1,
        started_at: dialect.now(-silentMs - 1000),
        heartbeat_at: dialect.now(-silentMs),
        info: null,
        key_fingerprint: null,
      })
      .execute();
  }

  const ids = async () =>
    (await t.node.database.db.selectFrom('quorum_nodes').select('id').execute()).map((r) => r.id as string);

  function member(nodeId: string) {
    const leases = new Leases(t.node.database);
    // A long lease: the elector believes it leads for the whole test unless it is demoted.
    const leader = new LeaderElector(leases, { name: 'dead-nodes-test', nodeId, ttlMs: 60_000, logger });
    const pruning = new DeadNodePruning({
      database: t.node.database,
      leases,
      leader,
      nodeTtlMs: TTL_MS,
      logger,
    });
    return { leader, pruning };
  }

  it('only the current leader prunes, and only nodes silent for longer than the bound', async () => {
    const a = member('a');
    const b = member('b');
    a.leader.start();
    await waitFor('a leads', async () => (a.leader.isLeader ? true : undefined));
    b.leader.start();
    try {
      await silentNode('long-dead', 10 * TTL_MS + 5000);
      await silentNode('recently-dead', 3 * TTL_MS);

      expect(await b.pruning.runOnce()).toBe(0); // a follower
      expect(await ids()).toEqual(expect.arrayContaining(['long-dead', 'recently-dead']));

      expect(await a.pruning.runOnce()).toBe(1);
      expect(await ids()).not.toContain('long-dead');
      expect(await ids()).toContain('recently-dead'); // still listed, as alive: false

      // Another node took the lease while `a` still believes it leads (a pause): its pruning is fenced off.
      await silentNode('long-dead-2', 10 * TTL_MS + 5000);
      await t.node.database.db
        .updateTable('quorum_leases')
        .set((eb) => ({ holder: 'usurper', token: eb('token', '+', 1) }))
        .where('name', '=', 'dead-nodes-test')
        .execute();
      expect(a.leader.isLeader).toBe(true);
      expect(await a.pruning.runOnce()).toBe(0);
      expect(await ids()).toContain('long-dead-2');
    } finally {
      await a.leader.stop();
      await b.leader.stop();
      await t.node.database.db
        .deleteFrom('quorum_nodes')
        .where('id', 'in', ['long-dead', 'long-dead-2', 'recently-dead'])
        .execute();
    }
  });
});
