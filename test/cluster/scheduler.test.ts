import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { LeaderElector } from '../../src/cluster/leader.js';
import { Leases } from '../../src/cluster/leases.js';
import type { CronTask } from '../../src/workers/cron-tasks.js';
import { scheduleAction } from '../../src/core/documents/scheduled-actions.js';
import { Scheduler } from '../../src/workers/scheduler.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two schedulers (as on two nodes) share one database: cron due times are recorded exactly once and
 * run by the leader only, also across a leader change; scheduled publications happen once, on time.
 */
describeEachDatabase('scheduler: singleton work under a lease', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  function scheduler(name: string, tasks: CronTask[]) {
    const leases = new Leases(t.node.database);
    const leader = new LeaderElector(leases, { name: 'scheduler-test', nodeId: name, ttlMs: 600, logger });
    const s = new Scheduler({
      core: t.node.core,
      leases,
      leader,
      tasks,
      config: { pollMs: 100, catchUp: 'all', maxCatchUp: 100 },
      nodeId: name,
      logger,
      // Actions here are scheduled in-process (no admin): they run as the system, never asking this.
      publisherAccess: async () => undefined,
    });
    return { leader, scheduler: s };
  }

  it('runs a cron task once per due time across nodes and across a leader change', async () => {
    const runs: { node: string; due: string }[] = [];
    const task = (node: string): CronTask => ({
      name: 'every-second',
      rule: '* * * * * *',
      tz: 'UTC',
      run: (ctx) => void runs.push({ node, due: ctx.dueAt.toISOString() }),
    });
    const nodes = ['n1', 'n2'].map((n) => ({ name: n, ...scheduler(n, [task(n)]) }));
    for (const n of nodes) {
      n.scheduler.start();
      n.leader.start();
    }
    await sleep(2500);
    const first = nodes.find((n) => n.leader.isLeader)!;
    await first.scheduler.stop();
    await first.leader.stop();
    await sleep(2500);
    for (const n of nodes) {
      await n.scheduler.stop();
      await n.leader.stop();
    }
    const recorded = await t.node.database.db
      .selectFrom('quorum_task_runs')
      .select(['due_at', 'token', 'status', 'node'])
      .where('task', '=', 'every-second')
      .orderBy('due_at')
      .execute();
    const dues = recorded.map((r) => new Date(String(r.due_at)).toISOString());
    expect(new Set(dues).size).toBe(dues.length);
    expect(runs.map((r) => r.due)).toEqual(dues.filter((_, i) => recorded[i].status !== 'skipped'));
    // Consecutive seconds, none missing across the change of leader (catch-up policy "all").
    for (let i = 1; i < dues.length; i++) expect(Date.parse(dues[i]) - Date.parse(dues[i - 1])).toBe(1000);
    expect(dues.length).toBeGreaterThanOrEqual(3);
    expect(new Set(runs.map((r) => r.node)).size).toBe(2);
    const tokens = recorded.map((r) => Number(r.token));
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  });

  it('publishes a scheduled document once, at or after its time', async () => {
    const draft = (
      await t.request({
        method: 'POST',
        url: '/api/articles?status=draft',
        body: { data: { title: 'Later' } },
      })
    ).json().data;
    const at = new Date(Date.now() + 800);
    const action = await scheduleAction(t.node.core, {
      uid: 'api::article.article',
      documentId: draft.documentId,
      action: 'publish',
      at: at.toISOString(),
    });
    expect(action.status).toBe('pending');
    const nodes = ['s1', 's2'].map((n) => scheduler(n, []));
    for (const n of nodes) {
      n.scheduler.start();
      n.leader.start();
    }
    const deadline = Date.now() + 10_000;
    let published: { publishedAt: string } | undefined;
    while (!published && Date.now() < deadline) {
      const res = await t.request({ url: `/api/articles/${draft.documentId}` });
      if (res.status === 200) published = res.json().data;
      else await sleep(100);
    }
    for (const n of nodes) {
      await n.scheduler.stop();
      await n.leader.stop();
    }
    expect(published).toBeDefined();
    expect(Date.parse(published!.publishedAt)).toBeGreaterThanOrEqual(at.getTime());
    const row = await t.node.database.db
      .selectFrom('quorum_scheduled_actions')
      .selectAll()
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
  });
});
