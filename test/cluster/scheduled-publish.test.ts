import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_MS, TestCluster, eventually, sleep } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses, type QuorumProcess } from '../helpers/processes.js';

/**
 * 50 drafts scheduled (through the admin API of different nodes) to publish at staggered times over
 * about 10 s, while the leader is killed -9 twice: each is published exactly once, at or after its time.
 */

const DOCUMENTS = 50;
const FIRST_DUE_MS = 3000;
const SPREAD_MS = 10_000;
const UID = 'api::article.article';

interface ActionRow {
  id: number;
  document_id: string;
  due_at: Date;
  status: string;
  done_at: Date | null;
  token: string | null;
  node: string | null;
}

describe.skipIf(!postgresAvailable())('scheduled publication across leader kills', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start();
  });
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  it('publishes each of 50 documents exactly once, at or after its time', { timeout: 120_000 }, async () => {
    const { nodes } = cluster;
    const { authorization } = await cluster.createApiToken(nodes[0]);
    const documentIds: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const created = await cluster.api(nodes[i % 3], 'POST', '/api/articles?status=draft', authorization, {
        data: { title: `scheduled ${i}` },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data.publishedAt).toBeNull();
      documentIds.push(created.body.data.documentId);
    }

    const base = (await cluster.dbNow()).getTime() + FIRST_DUE_MS;
    const dueAt = documentIds.map((_, i) => new Date(base + Math.round((i * SPREAD_MS) / DOCUMENTS)));
    // Scheduled ten at a time, through all three nodes, so the window is still ahead on a busy machine.
    for (let start = 0; start < DOCUMENTS; start += 10) {
      await Promise.all(
        documentIds.slice(start, start + 10).map(async (documentId, j) => {
          const i = start + j;
          const scheduled = await cluster.admin(nodes[i % 3], 'POST', '/admin/api/scheduled-actions', {
            uid: UID,
            documentId,
            action: 'publish',
            at: dueAt[i].toISOString(),
          });
          expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
          expect(scheduled.body.data.status).toBe('pending');
        }),
      );
    }

    // Two leader kills inside the window. Each killed node is restarted in the background (a start
    // takes seconds on a busy machine), so the second kill still falls inside the window.
    const tokens: number[] = [];
    const restarting = new Map<QuorumProcess, Promise<void>>();
    for (const at of [0.3, 0.65]) {
      await sleep(Math.max(0, base + at * SPREAD_MS - Date.now()));
      const leader = await cluster.leader((l) => l.node !== undefined);
      const node = leader.node!;
      tokens.push(leader.token);
      await cluster.kill(node);
      await cluster.leader((l) => l.token > leader.token, { description: 'a new leader after kill -9' });
      // A node still starting can already lead (it campaigns before it listens): if it is killed again,
      // its first restart fails, and it is started once more.
      const pending = restarting.get(node) ?? Promise.resolve();
      restarting.set(
        node,
        pending.catch(() => {}).then(() => cluster.restart(node)),
      );
    }
    await Promise.all(restarting.values());

    const actions = await eventually(
      'every scheduled action carried out',
      async () => {
        const rows = await cluster.sql<ActionRow>(
          'select id, document_id, due_at, status, done_at, token, node from quorum_scheduled_actions order by due_at, id',
        );
        return rows.length === DOCUMENTS && rows.every((r) => r.status !== 'pending') ? rows : undefined;
      },
      { timeoutMs: SPREAD_MS + DEADLINE_MS },
    );

    // Each action done once, by a leader (a token and a node recorded), at or after its time.
    expect(actions.filter((a) => a.status !== 'done')).toEqual([]);
    for (const a of actions) {
      expect(a.token, `action ${a.id}`).not.toBeNull();
      expect(a.node, `action ${a.id}`).not.toBeNull();
      expect(a.done_at!.getTime(), `action ${a.id}`).toBeGreaterThanOrEqual(a.due_at.getTime());
    }
    // In time order, the tokens never go back: no action was done by an ex-leader.
    const byDone = [...actions].sort((x, y) => x.done_at!.getTime() - y.done_at!.getTime());
    const actionTokens = byDone.map((a) => Number(a.token));
    expect(actionTokens).toEqual([...actionTokens].sort((x, y) => x - y));

    // The documents: one published version each, published at or after its time.
    const published = await cluster.sql<{ document_id: string; versions: number; published_at: Date }>(
      `select document_id, count(*)::int as versions, max(published_at) as published_at
       from articles where published_at is not null group by document_id`,
    );
    expect(published).toHaveLength(DOCUMENTS);
    const due = new Map(documentIds.map((id, i) => [id, dueAt[i]]));
    for (const p of published) {
      expect(p.versions, p.document_id).toBe(1);
      expect(p.published_at.getTime(), p.document_id).toBeGreaterThanOrEqual(
        due.get(p.document_id)!.getTime(),
      );
    }
    // And the content API of every node serves them as published.
    for (const [i, documentId] of documentIds.entries()) {
      const read = await cluster.api(nodes[i % 3], 'GET', `/api/articles/${documentId}`, authorization);
      expect(read.status, documentId).toBe(200);
      expect(Date.parse(read.body.data.publishedAt)).toBeGreaterThanOrEqual(dueAt[i].getTime());
    }

    // No node logged carrying out the same document twice (a node killed right after its commit may
    // not have logged it at all).
    const done = nodes.flatMap((node) => cluster.logEntries(node, 'scheduled action done'));
    const perDocument = new Map<string, number>();
    for (const entry of done)
      perDocument.set(String(entry.documentId), (perDocument.get(String(entry.documentId)) ?? 0) + 1);
    expect([...perDocument.values()].filter((n) => n > 1)).toEqual([]);

    const perToken = new Map<number, number>();
    for (const t of actionTokens) perToken.set(t, (perToken.get(t) ?? 0) + 1);
    expect(perToken.size).toBeGreaterThanOrEqual(2);
    const lateness = actions.map((a) => a.done_at!.getTime() - a.due_at.getTime());
    console.log(
      `scheduled publication: ${actions.length} done, ${published.length} documents published once; ` +
        `by token ${[...perToken].map(([t, n]) => `${t}: ${n}`).join(', ')} (leaders killed: tokens ${tokens.join(', ')}); ` +
        `lateness max ${Math.max(...lateness)} ms`,
    );
  });
});
