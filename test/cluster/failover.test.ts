import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRON_TASKS, TestCluster, eventually, sleep, tickRuns } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses } from '../helpers/processes.js';

/**
 * Leader failover with three real nodes on one PostgreSQL database (lease 1.5 s). A cron task runs
 * every second on the leader, and each run is recorded in quorum_task_runs with the node and the
 * fencing token it ran under: that record is how the tests see who did leader work, and when.
 */

const LEADER_LEASE = 'quorum-leader';

describe.skipIf(!postgresAvailable())('leader failover (three real nodes)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start({ files: { 'config/cron-tasks.js': CRON_TASKS } });
  });
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  const runs = () => tickRuns(cluster);

  it(
    'kill -9 of the leader: another node leads, with a higher fencing token',
    { timeout: 90_000 },
    async () => {
      const before = await cluster.leader((l) => l.node !== undefined);
      const killed = before.node!;
      await cluster.kill(killed);

      // Within the lease TTL in practice; the deadline is generous on purpose (a test never asserts speed).
      const after = await cluster.leader((l) => l.token > before.token, {
        timeoutMs: 10_000,
        description: 'a new leader after kill -9',
      });
      expect(after.nodeId).not.toBe(before.nodeId);
      expect(after.node).toBeDefined();
      expect(after.node).not.toBe(killed);
      expect(after.token).toBeGreaterThan(before.token);

      // The surviving nodes agree on who leads (asked until they do: a starved machine may move the
      // lease again, which is allowed as long as the token only grows).
      await eventually('the surviving nodes agree on the leader', async () => {
        const seen = await Promise.all(cluster.responsive.map((node) => cluster.status(node)));
        const leaders = new Set(seen.map((s) => `${s.leader?.nodeId}/${s.leader?.fencingToken}`));
        const token = seen[0].leader?.fencingToken ?? 0;
        return leaders.size === 1 && token >= after.token ? true : undefined;
      });

      // The killed node comes back as a follower: three live members, the dead incarnation not among them.
      await cluster.restart(killed);
      const rejoined = await cluster.nodeIdOf(killed);
      await eventually('three live members after the restart', async () => {
        const { nodes } = await cluster.status(cluster.responsive[0]);
        const alive = nodes.filter((n) => n.alive).map((n) => n.id);
        return alive.length === 3 && alive.includes(rejoined) && !alive.includes(before.nodeId)
          ? true
          : undefined;
      });
      expect((await cluster.leader()).token).toBeGreaterThanOrEqual(after.token);
    },
  );

  it(
    'SIGSTOP past the lease, SIGCONT: the old leader steps down and does no leader work',
    { timeout: 90_000 },
    async () => {
      const old = await cluster.leader((l) => l.node !== undefined);
      const paused = old.node!;
      await eventually('cron runs under the current leader', async () => {
        const mine = (await runs()).filter((r) => Number(r.token) === old.token);
        return mine.length >= 2 ? true : undefined;
      });

      cluster.pause(paused);
      const next = await cluster.leader((l) => l.token > old.token, {
        timeoutMs: 10_000,
        description: 'a takeover while the leader is paused',
      });
      expect(next.nodeId).not.toBe(old.nodeId);
      const [lease] = await cluster.sql<{ token: string; holder: string; acquired_at: Date }>(
        'select token, holder, acquired_at from quorum_leases where name = $1',
        [LEADER_LEASE],
      );
      // When the current holder took the lease (a starved machine may have moved it again since).
      expect(Number(lease.token)).toBeGreaterThanOrEqual(next.token);
      const takeoverAt = lease.acquired_at;
      await eventually('cron runs under the new leader', async () => {
        const mine = (await runs()).filter((r) => Number(r.token) === next.token);
        return mine.length >= 2 ? true : undefined;
      });

      // Resumed, the old leader's timers fire at once: it notices that its lease ran out and steps down.
      cluster.resume(paused);
      const steppedDown = await eventually('the resumed node logs that it stepped down', async () =>
        cluster
          .logEntries(paused, 'stepped down as leader')
          .find((entry) => entry.fencingToken === old.token),
      );
      expect(String(steppedDown.reason)).toMatch(/lease not renewed in time|lease taken by another node/);
      // Several cron seconds and scheduler polls on the resumed node.
      await sleep(3000);
      expect((await paused.fetch('/readyz')).status).toBe(200);
      expect((await cluster.status(paused)).leader?.fencingToken).toBeGreaterThanOrEqual(next.token);

      const all = await runs();
      const afterTakeover = all.filter((r) => r.started_at >= takeoverAt);
      // Nothing recorded under the old node's stale token once the lease changed hands, nor by the old
      // node at all (unless it was legitimately elected again since, with a newer token)...
      expect(afterTakeover.filter((r) => Number(r.token) <= old.token)).toEqual([]);
      expect(afterTakeover.filter((r) => r.node === old.nodeId && Number(r.token) <= next.token)).toEqual([]);
      // ...while the new leader kept working under its own token.
      const byNew = afterTakeover.filter((r) => Number(r.token) === next.token);
      expect(byNew.length).toBeGreaterThanOrEqual(2);
      expect(new Set(byNew.map((r) => r.node))).toEqual(new Set([next.nodeId]));
      expect(afterTakeover.every((r) => Number(r.token) >= next.token)).toBe(true);

      // Across both failovers: each due time once, none missing (catch-up "all"), tokens in time order.
      const dues = all.map((r) => r.due_at.getTime());
      expect(new Set(dues).size).toBe(dues.length);
      for (let i = 1; i < dues.length; i++)
        expect(dues[i] - dues[i - 1], `after ${all[i - 1].due_at.toISOString()}`).toBe(1000);
      const tokens = all.map((r) => Number(r.token));
      expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    },
  );
});
