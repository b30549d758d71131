import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listenerName } from '../../src/cluster/bus/postgres.js';
import { NO_FALLBACK_CONFIG, TestCluster, deepMerge, eventually, sleep } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses, type QuorumProcess } from '../helpers/processes.js';
import { PrivateRedis } from '../helpers/redis.js';

/**
 * Bus messages are at most once: a node that lost its bus connection re-reads what it depends on when
 * the connection comes back. Token caches and periodic resyncs are set to 10 minutes
 * (NO_FALLBACK_CONFIG), so within the test's deadlines only the reconnect resync can make node B
 * reject a token whose revocation it never heard of. A control token deleted straight from the
 * database (no announcement at all) shows that B's cache really holds meanwhile.
 *
 * Faults are injected into the test's own resources only: a private redis-server it kills and starts
 * again, and node B's own LISTEN connection, cut with pg_terminate_backend.
 */

interface Tokens {
  victim: { id: number; authorization: string };
  control: { id: number; authorization: string };
}

async function status(cluster: TestCluster, node: QuorumProcess, authorization: string): Promise<number> {
  return (await cluster.api(node, 'GET', '/api/tags', authorization)).status;
}

/** Two read-only tokens, verified (and so cached) by `b`; then the control one deleted behind B's back. */
async function prepareTokens(cluster: TestCluster, a: QuorumProcess, b: QuorumProcess): Promise<Tokens> {
  const victim = await cluster.createApiToken(a, 'read-only');
  const control = await cluster.createApiToken(a, 'read-only');
  for (const token of [victim, control]) expect(await status(cluster, b, token.authorization)).toBe(200);
  await cluster.sql('delete from quorum_api_tokens where id = $1', [control.id]);
  await sleep(1500);
  expect(await status(cluster, b, control.authorization), 'B still trusts its cache').toBe(200);
  return { victim, control };
}

async function expectResynced(cluster: TestCluster, b: QuorumProcess, tokens: Tokens): Promise<void> {
  // Well below the 10-minute cache TTL and resync period: only the reconnect resync explains it.
  await eventually(
    'node B rejects the token revoked while its bus was down',
    async () => ((await status(cluster, b, tokens.victim.authorization)) === 401 ? true : undefined),
    { timeoutMs: 20_000 },
  );
  expect(await status(cluster, b, tokens.control.authorization)).toBe(401);
}

describe.skipIf(!postgresAvailable() || inject('redisUrl') === null)(
  'Redis bus: Redis killed and started again',
  () => {
    let cluster: TestCluster;
    let redis: PrivateRedis;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      // Cached answers never expire during the test either: only the reconnect can retire them.
      const config = deepMerge(NO_FALLBACK_CONFIG, {
        cache: { responses: { enabled: true, ttlMs: 600_000 } },
      });
      cluster = await TestCluster.start({ config, redisUrl: redis.url });
    });
    afterAll(async () => {
      await cluster?.close();
      await redis?.stop();
      await killAllProcesses();
    });

    it(
      'nodes resync after the bus comes back: a revocation announced while it was down takes effect',
      { timeout: 60_000 },
      async () => {
        const [a, b] = cluster.nodes;
        const tokens = await prepareTokens(cluster, a, b);
        const writer = await cluster.createApiToken(a);
        const url = '/api/tags?filters[name][$eq]=written-while-down';
        const cachedOnB = async () => {
          const response = await cluster.api(b, 'GET', url, writer.authorization);
          return response.headers.get('x-quorum-cache') === 'hit' ? response.body.data : undefined;
        };
        expect(await eventually('B answers the tag list from its cache', cachedOnB)).toEqual([]);

        await redis.stop();
        const revoked = await cluster.admin(a, 'DELETE', `/admin/api/api-tokens/${tokens.victim.id}`);
        expect(revoked.status).toBe(200);
        expect(await status(cluster, a, tokens.victim.authorization)).toBe(401);
        // The announcement is lost: A says so, and B keeps accepting the token.
        await eventually('A logs the lost announcement', async () =>
          cluster.logEntries(a, 'could not announce a change on the bus').length > 0 ? true : undefined,
        );
        expect(await status(cluster, b, tokens.victim.authorization)).toBe(200);
        // A content write whose announcement is lost too: B keeps its cached answer meanwhile.
        const written = await cluster.api(a, 'POST', '/api/tags', writer.authorization, {
          data: { name: 'written-while-down' },
        });
        expect(written.status, JSON.stringify(written.body)).toBe(201);
        await sleep(300);
        expect(await cachedOnB()).toEqual([]);

        await sleep(500);
        await redis.start(); // the same port
        await expectResynced(cluster, b, tokens);
        // The reconnect retired every cached answer on B.
        await eventually('B lists the tag written while the bus was down', async () => {
          const response = await cluster.api(b, 'GET', url, writer.authorization);
          return response.body.data?.length === 1 ? true : undefined;
        });
        expect(cluster.logEntries(b, 'bus connection lost (redis)').length).toBeGreaterThan(0);
        expect(cluster.logEntries(b, 'bus reconnected (redis); resyncing').length).toBeGreaterThan(0);
      },
    );
  },
);

describe.skipIf(!postgresAvailable())("PostgreSQL bus: node B's LISTEN connection cut", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start({ config: NO_FALLBACK_CONFIG });
  });
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  const listener = async (b: QuorumProcess) => {
    const name = listenerName(await cluster.nodeIdOf(b));
    return cluster.sql<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and application_name = $1',
      [name],
    );
  };

  it(
    'node B reconnects and resyncs: a revocation announced while it was not listening takes effect',
    { timeout: 60_000 },
    async () => {
      const [a, b, c] = cluster.nodes;
      const tokens = await prepareTokens(cluster, a, b);
      const before = await listener(b);
      expect(before).toHaveLength(1);

      // B is frozen while its listening session is terminated and A announces the revocation, so the
      // NOTIFY certainly reaches every listener but B's; B finds out about the cut when it resumes.
      cluster.pause(b);
      try {
        const [terminated] = await cluster.sql<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [
          before[0].pid,
        ]);
        expect(terminated.ok).toBe(true);
        const revoked = await cluster.admin(a, 'DELETE', `/admin/api/api-tokens/${tokens.victim.id}`);
        expect(revoked.status).toBe(200);
        // The announcement does travel: C, which was listening, rejects the token.
        await eventually('C rejects the revoked token', async () =>
          (await status(cluster, c, tokens.victim.authorization)) === 401 ? true : undefined,
        );
      } finally {
        cluster.resume(b);
      }

      await expectResynced(cluster, b, tokens);
      expect(cluster.logEntries(b, 'bus connection lost (postgres)').length).toBeGreaterThan(0);
      expect(cluster.logEntries(b, 'bus reconnected (postgres); resyncing').length).toBeGreaterThan(0);
      const after = await listener(b);
      expect(after).toHaveLength(1);
      expect(after[0].pid).not.toBe(before[0].pid);

      // Listening again: the next announcement reaches B through the bus.
      const next = await cluster.createApiToken(a, 'read-only');
      expect(await status(cluster, b, next.authorization)).toBe(200);
      expect((await cluster.admin(a, 'DELETE', `/admin/api/api-tokens/${next.id}`)).status).toBe(200);
      await eventually('B rejects a token revoked after the reconnect', async () =>
        (await status(cluster, b, next.authorization)) === 401 ? true : undefined,
      );
    },
  );
});
