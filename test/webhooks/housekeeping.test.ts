import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { Receiver } from './receiver.js';
import { eventually, startWebhookNode, type WebhookNode } from './support.js';

describeEachDatabase('outbox housekeeping', (kind) => {
  let n: WebhookNode;
  let r: Receiver;
  beforeAll(async () => {
    // Retention 0: anything finished before now is old enough to prune.
    n = await startWebhookNode(kind, { retentionDays: 0, maxAgeMs: 300 });
    r = await Receiver.start();
  });
  afterAll(async () => {
    await n?.close();
    await r?.close();
  });

  it('prunes finished deliveries and processed events on the leader, and keeps what is unfinished', async () => {
    const hook = await n.createWebhook({ url: r.url, events: ['entry.create'] });
    for (const name of ['keep-1', 'keep-2'])
      expect((await n.t.request({ method: 'POST', url: '/api/tags', body: { data: { name } } })).status).toBe(
        201,
      );
    await eventually('two deliveries', () => (r.accepted.length === 2 ? true : undefined));
    await eventually('both recorded', async () => {
      const rows = await n.sql(`select id from quorum_webhook_deliveries where status = 'delivered'`);
      return rows.length === 2 ? true : undefined;
    });
    // An event that is still being retried stays, with its payload.
    r.behaviour = () => 500;
    await n.adminRequest('PUT', `/webhooks/${hook.id}`, { events: ['entry.update'] });
    await n.createWebhook({ url: r.url, events: ['entry.create'] });
    expect(
      (await n.t.request({ method: 'POST', url: '/api/tags', body: { data: { name: 'retrying' } } })).status,
    ).toBe(201);
    await eventually('a failed attempt', () => (r.requests.some((x) => x.status === 500) ? true : undefined));

    const { housekeeping } = n.t.node.webhooks;
    const { cluster } = n.t.node;
    await eventually('leadership', () => (cluster.leader.isLeader ? true : undefined));
    const pruned = await housekeeping.runOnce();
    expect(pruned).toBeGreaterThanOrEqual(4);

    const deliveries = await n.sql<{ status: string }>('select status from quorum_webhook_deliveries');
    expect(deliveries.every((d) => d.status !== 'delivered')).toBe(true);
    const events = await n.sql<{ key: string; status: string }>(
      `select key, status from quorum_outbox where topic = 'content'`,
    );
    expect(events).toHaveLength(1);
    // Dead letters are pruned too once past retention; until then they can be replayed.
    await eventually('the dead letter', async () =>
      (await n.sql(`select id from quorum_webhook_deliveries where status = 'dead'`)).length === 1
        ? true
        : undefined,
    );
    expect(await housekeeping.runOnce()).toBe(2);
    expect(await n.sql('select id from quorum_outbox where topic = ?', 'content')).toHaveLength(0);
  });
});
