import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/context.js';
import { createDocument } from '../../src/core/documents/write.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { Receiver } from './receiver.js';
import { eventually, startWebhookNode, type WebhookNode } from './support.js';
import { readmeVerifier, type Verifier } from './verify.js';

describeEachDatabase('webhook delivery', (kind) => {
  let n: WebhookNode;
  let verifyQuorumSignature: Verifier;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    verifyQuorumSignature = await readmeVerifier();
    n = await startWebhookNode(kind, { defaultHeaders: { 'X-Default': 'from-config', 'X-Both': 'default' } });
  });
  afterAll(async () => {
    await n?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it("POSTs Strapi's payload with Strapi's and Quorum's headers, signed with the webhook's secret", async () => {
    const r = await receiver();
    const { secret } = await n.createWebhook({
      url: r.url,
      headers: { Authorization: 'Bearer receiver-token', 'X-Both': 'webhook' },
    });
    const created = await n.t.request({
      method: 'POST',
      url: '/api/tags',
      body: { data: { name: 'signed', label: 'hello' } },
      headers: {
        'x-request-id': 'req-webhook-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    });
    expect(created.status, created.body).toBe(201);
    const documentId = created.json().data.documentId;
    const [request] = await eventually('a delivery', () => (r.requests.length ? r.requests : undefined));

    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-strapi-event']).toBe('entry.create');
    expect(request.headers['x-request-id']).toBe('req-webhook-1');
    expect(request.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(request.headers.authorization).toBe('Bearer receiver-token');
    expect(request.headers['x-default']).toBe('from-config');
    expect(request.headers['x-both']).toBe('webhook');
    expect(request.headers['x-quorum-delivery']).toMatch(/^[0-9a-f-]{36}$/);

    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      event: 'entry.create',
      model: 'tag',
      uid: 'api::tag.tag',
      entry: { documentId, name: 'signed', label: 'hello' },
    });
    expect(Object.keys(body)).toEqual(['event', 'createdAt', 'model', 'uid', 'entry']);
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    // The bytes sent are the outbox row's payload text.
    const [row] = await n.sql<{ payload: string }>(
      `select payload from quorum_outbox where type = 'entry.create' and key = ?`,
      `api::tag.tag:${documentId}`,
    );
    expect(request.body).toBe(row.payload);

    const signature = request.headers['x-quorum-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyQuorumSignature(secret, request.body, signature)).toBe(true);
    expect(verifyQuorumSignature(secret, request.body.replace('signed', 'forged'), signature)).toBe(false);
    expect(verifyQuorumSignature(`${secret}x`, request.body, signature)).toBe(false);
    const old = signature.replace(/t=\d+/, `t=${Math.floor(Date.now() / 1000) - 3600}`);
    expect(verifyQuorumSignature(secret, request.body, old)).toBe(false);
  });

  it('sends every event a write causes, only to webhooks subscribed to it', async () => {
    const all = await receiver();
    const publishOnly = await receiver();
    await n.createWebhook({ url: all.url });
    await n.createWebhook({ url: publishOnly.url, events: ['entry.publish'] });
    await n.createWebhook({ url: all.url, enabled: false, name: 'disabled' });
    const created = await n.t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Events' } },
    });
    expect(created.status, created.body).toBe(201);
    const id = created.json().data.documentId;
    const updated = await n.t.request({
      method: 'PUT',
      url: `/api/articles/${id}`,
      body: { data: { title: 'Events 2' } },
    });
    expect(updated.status).toBe(200);
    expect((await n.t.request({ method: 'DELETE', url: `/api/articles/${id}` })).status).toBe(204);

    const expected = ['entry.create', 'entry.publish', 'entry.update', 'entry.publish', 'entry.delete'];
    await eventually('all events', () => (all.accepted.length >= expected.length ? true : undefined));
    await eventually('publish events', () => (publishOnly.accepted.length >= 2 ? true : undefined));
    expect(all.accepted.map((r) => r.headers['x-strapi-event'])).toEqual(expected);
    expect(publishOnly.accepted.map((r) => r.headers['x-strapi-event'])).toEqual([
      'entry.publish',
      'entry.publish',
    ]);
    // Each (event, webhook) has its own delivery key.
    const keys = new Set(
      [...all.accepted, ...publishOnly.accepted].map((r) => r.headers['x-quorum-delivery']),
    );
    expect(keys.size).toBe(7);
    expect(JSON.parse(all.accepted[0].body).entry.publishedAt).toBeNull();
    expect(JSON.parse(all.accepted[1].body).entry.publishedAt).not.toBeNull();
    expect(JSON.parse(all.accepted[4].body).entry.title).toBe('Events 2');
  });

  it('writes no event for a write that fails, and the events of every write that commits', async () => {
    const before = await outboxCount();
    const first = await n.t.request({
      method: 'POST',
      url: '/api/tags',
      body: { data: { name: 'unique-1' } },
    });
    expect(first.status).toBe(201);
    const duplicate = await n.t.request({
      method: 'POST',
      url: '/api/tags',
      body: { data: { name: 'unique-1' } },
    });
    expect(duplicate.status).toBe(400);
    expect(await outboxCount()).toBe(before + 1);

    // A transaction that wrote a document (and its event) and then failed leaves neither.
    const { core } = n.t.node;
    const tag = core.schema().contentTypes.get('api::tag.tag')!;
    await expect(
      core.database.transaction(async (trx) => {
        await createDocument(inTransaction(core, trx), tag, { data: { name: 'rolled-back' }, params: {} });
        expect(
          Number(
            (
              await trx
                .selectFrom('quorum_outbox')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ).toBe(before + 2);
        throw new Error('abort the transaction');
      }),
    ).rejects.toThrow('abort the transaction');
    expect(await outboxCount()).toBe(before + 1);
    expect((await n.t.request({ url: '/api/tags?filters[name]=rolled-back' })).json().data).toEqual([]);

    // Concurrent writes: each committed one has exactly its event.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        n.t.request({ method: 'POST', url: '/api/tags', body: { data: { name: `concurrent-${i % 15}` } } }),
      ),
    );
    const committed = results.filter((r) => r.status === 201).map((r) => r.json().data.documentId as string);
    expect(committed.length).toBe(15);
    const keys = (
      await n.sql<{ key: string }>(`select key from quorum_outbox where type = 'entry.create'`)
    ).map((r) => r.key);
    for (const documentId of committed)
      expect(keys.filter((k) => k === `api::tag.tag:${documentId}`)).toHaveLength(1);
    expect(await outboxCount()).toBe(before + 16);
  });

  it('keeps per-document order while an earlier delivery is retried, without holding up other documents', async () => {
    const r = await receiver();
    let failuresLeft = 4;
    let blockedKey: string | undefined;
    r.behaviour = ({ headers, body }) => {
      const parsed = JSON.parse(body);
      if (parsed.entry.name === 'ordered' && parsed.event === 'entry.create')
        blockedKey ??= headers['x-quorum-delivery'] as string;
      if (headers['x-quorum-delivery'] === blockedKey && failuresLeft > 0) {
        failuresLeft--;
        return failuresLeft % 2 ? 503 : 'drop';
      }
      return 200;
    };
    await n.createWebhook({ url: r.url });
    const created = await n.t.request({
      method: 'POST',
      url: '/api/tags',
      body: { data: { name: 'ordered' } },
    });
    const id = created.json().data.documentId;
    for (let i = 1; i <= 3; i++)
      expect(
        (await n.t.request({ method: 'PUT', url: `/api/tags/${id}`, body: { data: { label: `v${i}` } } }))
          .status,
      ).toBe(200);
    const other = await n.t.request({
      method: 'POST',
      url: '/api/tags',
      body: { data: { name: 'not-held-up' } },
    });
    expect(other.status).toBe(201);

    await eventually('the other document', () => r.accepted.find((x) => x.body.includes('not-held-up')));
    await eventually('every event of the document', () =>
      r.accepted.filter((x) => JSON.parse(x.body).entry.documentId === id).length === 4 ? true : undefined,
    );
    const sequence = r.requests
      .filter((x) => JSON.parse(x.body).entry.documentId === id)
      .map((x) => `${JSON.parse(x.body).event}:${JSON.parse(x.body).entry.label ?? ''}:${x.status}`);
    expect(sequence).toEqual([
      'entry.create::503',
      'entry.create::0',
      'entry.create::503',
      'entry.create::0',
      'entry.create::200',
      'entry.update:v1:200',
      'entry.update:v2:200',
      'entry.update:v3:200',
    ]);
    // Every retry carried the same delivery key and body.
    const attempts = r.requests.filter((x) => x.headers['x-quorum-delivery'] === blockedKey);
    expect(attempts).toHaveLength(5);
    expect(new Set(attempts.map((x) => x.body)).size).toBe(1);
  });

  it('sends a test event to one webhook only', async () => {
    const a = await receiver();
    const b = await receiver();
    const hook = await n.createWebhook({ url: a.url, events: [] });
    await n.createWebhook({ url: b.url, events: [] });
    const response = await n.adminRequest('POST', `/webhooks/${hook.id}/test`);
    expect(response.status, response.body).toBe(202);
    const [request] = await eventually('the test event', () => (a.accepted.length ? a.accepted : undefined));
    expect(request.headers['x-strapi-event']).toBe('trigger-test');
    expect(JSON.parse(request.body)).toEqual({ event: 'trigger-test', createdAt: expect.any(String) });
    expect(
      verifyQuorumSignature(hook.secret, request.body, request.headers['x-quorum-signature'] as string),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.requests).toHaveLength(0);
  });

  it('opens the circuit of a failing target, stops sending, probes half-open and closes on success', async () => {
    const r = await receiver();
    r.behaviour = () => 500;
    const origin = new URL(r.url).origin;
    await n.createWebhook({ url: r.url });
    for (let i = 0; i < 8; i++)
      expect(
        (await n.t.request({ method: 'POST', url: '/api/tags', body: { data: { name: `circuit-${i}` } } }))
          .status,
      ).toBe(201);
    await eventually('the circuit to open', () =>
      n.t.node.webhooks.worker.circuit(origin) === 'open' ? true : undefined,
    );
    const openedAt = Date.now();
    // Requests already on their way when it opened still arrive; nothing new is sent after them.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const seen = r.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(r.requests.length, 'no request while the circuit is open').toBe(seen);
    r.behaviour = () => 200;
    await eventually('the circuit to close', () =>
      n.t.node.webhooks.worker.circuit(origin) === 'closed' ? true : undefined,
    );
    const probe = r.requests[seen];
    expect(probe.at - openedAt).toBeGreaterThanOrEqual(800);
    await eventually('all eight delivered', () =>
      new Set(r.accepted.map((x) => x.headers['x-quorum-delivery'])).size === 8 ? true : undefined,
    );
  });

  async function outboxCount(): Promise<number> {
    const [row] = await n.sql<{ n: number | string }>(`select count(*) as n from quorum_outbox`);
    return Number(row.n);
  }
});

describeEachDatabase('dead letters and replay', (kind) => {
  let n: WebhookNode;
  let r: Receiver;
  beforeAll(async () => {
    n = await startWebhookNode(kind, {
      maxAgeMs: 800,
      circuitBreaker: {
        volumeThreshold: 1000,
        errorThresholdPercentage: 100,
        resetTimeoutMs: 600,
        rollingWindowMs: 5000,
      },
    });
    r = await Receiver.start(() => 500);
  });
  afterAll(async () => {
    await n?.close();
    await r?.close();
  });

  it('retries with backoff until the max age, then keeps the delivery as a dead letter; replays resend it', async () => {
    const hook = await n.createWebhook({ url: r.url, events: ['entry.create'] });
    const since = new Date().toISOString();
    for (const name of ['dead-1', 'dead-2'])
      expect((await n.t.request({ method: 'POST', url: '/api/tags', body: { data: { name } } })).status).toBe(
        201,
      );
    const dead = await eventually('two dead letters', async () => {
      const list = await n.adminRequest('GET', `/webhooks/${hook.id}/deliveries?status=dead`);
      return list.json().data.results.length === 2 ? list.json().data : undefined;
    });
    expect(dead.pagination).toMatchObject({ page: 1, total: 2 });
    for (const delivery of dead.results) {
      expect(delivery).toMatchObject({
        status: 'dead',
        lastStatusCode: 500,
        lastError: 'HTTP 500: failed on purpose',
      });
      expect(delivery.attempts).toBeGreaterThanOrEqual(2);
      expect(delivery.latencyMs).toEqual(expect.any(Number));
      expect(delivery.deadAt).toEqual(expect.any(String));
    }
    const attemptsBefore = r.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.requests.length, 'dead letters are not retried').toBe(attemptsBefore);

    r.behaviour = () => 200;
    // One.
    const [first, second] = [...dead.results].sort((a, b) => a.id - b.id);
    const one = await n.adminRequest('POST', `/webhooks/${hook.id}/deliveries/${first.id}/replay`);
    expect(one.status, one.body).toBe(200);
    expect(one.json().data).toMatchObject({ id: first.id, status: 'pending', attempts: 0 });
    const resent = await eventually('the replayed delivery', () =>
      r.accepted.find((x) => x.headers['x-quorum-delivery'] === first.deliveryKey),
    );
    expect(JSON.parse(resent.body).entry.name).toBe('dead-1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.accepted.some((x) => x.headers['x-quorum-delivery'] === second.deliveryKey)).toBe(false);

    // All dead letters.
    const all = await n.adminRequest('POST', `/webhooks/${hook.id}/replay`, { status: 'dead' });
    expect(all.json()).toEqual({ data: { replayed: 1 } });
    await eventually('the second dead letter', () =>
      r.accepted.find((x) => x.headers['x-quorum-delivery'] === second.deliveryKey),
    );

    // Everything since a time (both are delivered now).
    const accepted = r.accepted.length;
    const sinceResponse = await n.adminRequest('POST', `/webhooks/${hook.id}/replay`, { since });
    expect(sinceResponse.json()).toEqual({ data: { replayed: 2 } });
    await eventually('both again', () => (r.accepted.length === accepted + 2 ? true : undefined));
    const future = await n.adminRequest('POST', `/webhooks/${hook.id}/replay`, {
      since: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(future.json()).toEqual({ data: { replayed: 0 } });
    // The receiver has both requests; each outcome is recorded just after its response arrives.
    const delivered = await eventually('both recorded as delivered', async () => {
      const list = await n.adminRequest('GET', `/webhooks/${hook.id}/deliveries?status=delivered`);
      return list.json().data.results.length === 2 ? list : undefined;
    });
    expect(delivered.json().data.results[0]).toMatchObject({
      status: 'delivered',
      lastStatusCode: 200,
      lastError: null,
    });
  });
});
