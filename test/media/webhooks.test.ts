import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { Receiver } from '../webhooks/receiver.js';
import { eventually, startWebhookNode, type WebhookNode } from '../webhooks/support.js';
import { png, upload } from './helpers.js';

describeEachDatabase('media webhooks', (kind) => {
  let n: WebhookNode;
  let r: Receiver;
  beforeAll(async () => {
    n = await startWebhookNode(kind);
    r = await Receiver.start();
  });
  afterAll(async () => {
    await n?.close();
    await r?.close();
  });

  it("delivers media.create, media.update and media.delete with Strapi's payload", async () => {
    await n.createWebhook({ url: r.url, events: ['media.create', 'media.update', 'media.delete'] });
    const [file] = (await upload(n.t, [{ filename: 'hook.png', data: await png(300, 200) }])).json();
    await upload(
      n.t,
      [],
      { fileInfo: JSON.stringify({ caption: 'new' }) },
      { url: `/api/upload?id=${file.id}` },
    );
    await n.t.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    const received = await eventually('three deliveries', () =>
      r.accepted.length === 3 ? r.accepted : undefined,
    );
    const bodies = received.map((delivery) => JSON.parse(delivery.body));
    expect(bodies.map((body) => body.event)).toEqual(['media.create', 'media.update', 'media.delete']);
    expect(received.map((delivery) => delivery.headers['x-strapi-event'])).toEqual([
      'media.create',
      'media.update',
      'media.delete',
    ]);
    expect(bodies[0]).toEqual({
      event: 'media.create',
      createdAt: expect.any(String),
      media: expect.objectContaining({
        id: file.id,
        documentId: file.documentId,
        hash: file.hash,
        formats: expect.any(Object),
      }),
    });
    expect(bodies[1].media.caption).toBe('new');
    expect(bodies[2].media.id).toBe(file.id);
  });
});
