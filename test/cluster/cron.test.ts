import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRON_TASKS, TestCluster, eventually, sleep, tickRuns } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses } from '../helpers/processes.js';

/**
 * A cron task every second (config/cron-tasks.js: one tag per due time) on three real nodes for about
 * 20 s, with the leader killed -9 in the middle and restarted. Afterwards quorum_task_runs must hold
 * every due time of the window exactly once (catch-up policy "all": no gaps), each run recorded by the
 * leader of its time, in fencing-token order.
 */

const RUN_MS = 20_000;

describe.skipIf(!postgresAvailable())('cron every second across three nodes, leader killed mid-way', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start({
      files: { 'config/cron-tasks.js': CRON_TASKS },
      // A longer lease than the other cluster tests: the failover leaves several due times without a
      // leader, which the next one must catch up (policy "all").
      config: { cluster: { leaseTtlMs: 3000 }, scheduler: { catchUp: 'all' } },
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  const runs = () => tickRuns(cluster);

  it('records every due time exactly once, run by the leader of its time', { timeout: 120_000 }, async () => {
    const first = await cluster.leader((l) => l.node !== undefined);
    await eventually('a first run', async () => ((await runs()).length > 0 ? true : undefined));
    const started = Date.now();

    await sleep(RUN_MS / 2);
    const killed = await cluster.leader((l) => l.node !== undefined);
    await cluster.kill(killed.node!);
    const killedAt = await cluster.dbNow();
    const next = await cluster.leader((l) => l.token > killed.token, {
      timeoutMs: 10_000,
      description: 'a new leader after kill -9',
    });
    await cluster.restart(killed.node!);
    await sleep(Math.max(0, RUN_MS - (Date.now() - started)));
    // A few runs by the new leader after the restart, so the window spans the whole failover.
    await eventually('runs after the failover', async () => {
      const late = (await runs()).filter((r) => Number(r.token) >= next.token && r.due_at > killedAt);
      return late.length >= 3 ? true : undefined;
    });

    const rows = await runs();
    const dues = rows.map((r) => r.due_at.getTime());
    const tokens = rows.map((r) => Number(r.token));

    // Exactly once: the primary key (task, due_at) makes duplicates impossible; check it anyway.
    const duplicates = dues.length - new Set(dues).size;
    expect(duplicates).toBe(0);
    // No gaps: every second from the first recorded due time to the last is there.
    const gaps: string[] = [];
    for (let i = 1; i < dues.length; i++)
      if (dues[i] - dues[i - 1] !== 1000)
        gaps.push(`${rows[i - 1].due_at.toISOString()} → ${rows[i].due_at.toISOString()}`);
    expect(gaps).toEqual([]);
    expect(rows[rows.length - 1].due_at.getTime()).toBeGreaterThan(killedAt.getTime());

    // Leader of its time: tokens never go back as due times advance, one node per token, and that node
    // is the process that logged "became leader" with that token.
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    const nodeOfToken = new Map<number, Set<string>>();
    for (const r of rows) {
      const set = nodeOfToken.get(Number(r.token)) ?? new Set<string>();
      set.add(r.node);
      nodeOfToken.set(Number(r.token), set);
    }
    for (const [token, nodes] of nodeOfToken) expect([...nodes], `token ${token}`).toHaveLength(1);
    const electedPid = new Map<number, number>();
    for (const node of cluster.nodes)
      for (const entry of cluster.logEntries(node, 'became leader'))
        electedPid.set(Number(entry.fencingToken), Number(entry.pid));
    for (const [token, nodes] of nodeOfToken) {
      const pid = Number(/-(\d+)-[0-9a-f]+$/.exec([...nodes][0])?.[1]);
      expect(pid, `token ${token}`).toBe(electedPid.get(token));
    }
    // A leader change shows in the record, and nothing was recorded by the killed process after its death.
    expect(nodeOfToken.size).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.node === killed.nodeId && r.started_at >= killedAt)).toEqual([]);
    expect(tokens.filter((t) => t > killed.token).every((t) => t >= next.token)).toBe(true);

    // What each run did: a done run left its tag; none failed. A run whose leader died between claim
    // and completion stays recorded (not re-run) and is marked interrupted by the next leader.
    const status = (s: string) => rows.filter((r) => r.status === s).length;
    expect(status('failed')).toBe(0);
    expect(status('skipped')).toBe(0);
    const tags = await cluster.sql<{ name: string }>(`select name from tags where name like 'tick-%'`);
    const tagNames = new Set(tags.map((t) => t.name));
    expect(tags.length).toBe(tagNames.size);
    for (const r of rows.filter((r) => r.status === 'done'))
      expect(tagNames.has(`tick-${r.due_at.toISOString()}`), r.due_at.toISOString()).toBe(true);
    const recorded = new Set(rows.map((r) => `tick-${r.due_at.toISOString()}`));
    for (const name of tagNames) expect(recorded.has(name), name).toBe(true);

    // Due times that passed while no node led, run afterwards by the next leader.
    const caughtUp = rows.filter((r) => r.started_at.getTime() - r.due_at.getTime() > 1000);
    const perToken = [...nodeOfToken.keys()].map(
      (token) => `${token}: ${tokens.filter((t) => t === token).length}`,
    );
    console.log(
      `cron chaos: ${rows.length} due times recorded (${rows[0].due_at.toISOString()} … ` +
        `${rows[rows.length - 1].due_at.toISOString()}), duplicates ${duplicates}, gaps ${gaps.length}, ` +
        `done ${status('done')}, running ${status('running')}, interrupted ${status('interrupted')}, ` +
        `caught up by the next leader ${caughtUp.length} (up to ${Math.max(0, ...caughtUp.map((r) => r.started_at.getTime() - r.due_at.getTime()))} ms late), tags ${tags.length}; ` +
        `leader changes ${nodeOfToken.size - 1} (runs per token ${perToken.join(', ')}; first leader token ${first.token})`,
    );
  });
});
