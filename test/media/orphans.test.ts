import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerFirstAdmin, type AdminSession } from '../admin/helpers.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { fetchFile, png, upload, uploadsFolder } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventuallyAsync<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function eventually<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describeEachDatabase('orphaned files', (kind) => {
  let node: TestNode;
  let admin: AdminSession;
  beforeAll(async () => {
    node = await startTestNode({
      kind,
      app: 'media',
      // A long sweep interval: the test runs the leader's cleanup itself.
      config: {
        upload: { local: { folder: uploadsFolder() }, orphanGraceMs: 200, orphanSweepMs: 3_600_000 },
      },
    });
    admin = await registerFirstAdmin(node);
  });
  afterAll(() => node?.close());

  it('lists files no entry uses past the grace period, and the leader removes them', async () => {
    const [orphan, cover, inComponent, inBlocks, inMarkdown] = (
      await upload(node, [
        { filename: 'orphan.png', data: await png(300, 300) },
        { filename: 'cover.png', data: await png(10, 10) },
        { filename: 'component.png', data: await png(10, 10) },
        { filename: 'blocks.png', data: await png(10, 10) },
        { filename: 'markdown.png', data: await png(10, 10) },
      ])
    ).json();
    // Blocks and Markdown embed images by URL (the editor's image node holds a file object).
    const body = [{ type: 'image', image: { ...inBlocks }, children: [{ type: 'text', text: '' }] }];
    const created = await node.request({
      method: 'POST',
      url: '/api/articles',
      body: {
        data: {
          title: 'uses four',
          cover: cover.id,
          body,
          seo: { shareImage: inComponent.id, intro: `![a picture](${inMarkdown.url})` },
        },
      },
    });
    expect(created.status).toBe(201);

    // Once the grace period has passed, only the file no entry uses is listed.
    const listed = await eventuallyAsync('the orphan listed', async () => {
      const res = await node.request({ url: '/admin/api/upload/orphans', auth: admin.auth });
      expect(res.status).toBe(200);
      return res.json().data.length ? res.json() : undefined;
    });
    expect(listed).toMatchObject({
      data: [{ id: orphan.id, documentId: orphan.documentId }],
      meta: { graceMs: 200 },
    });
    const preview = await node.request({
      url: '/admin/api/upload/orphans?graceMs=3600000',
      auth: admin.auth,
    });
    expect(preview.json().data).toEqual([]);
    expect(
      (await node.request({ url: '/admin/api/upload/orphans?graceMs=-1', auth: admin.auth })).status,
    ).toBe(400);
    expect((await node.request({ url: '/admin/api/upload/orphans', auth: 'none' })).status).toBe(401);

    const { leader } = node.node.cluster;
    await eventually('leadership', () => (leader.isLeader ? true : undefined));
    expect(await node.node.mediaOrphans.runOnce()).toBe(1);
    expect((await node.request({ url: `/api/upload/files/${orphan.id}` })).status).toBe(404);
    expect((await fetchFile(node, orphan.url)).status).toBe(404);
    expect((await fetchFile(node, orphan.formats.thumbnail.url)).status).toBe(404);
    for (const kept of [cover, inComponent, inBlocks, inMarkdown]) {
      expect((await node.request({ url: `/api/upload/files/${kept.id}` })).status).toBe(200);
      expect((await fetchFile(node, kept.url)).status).toBe(200);
    }
    const events = await node.node.database.db
      .selectFrom('quorum_outbox')
      .select('type')
      .where('key', '=', `plugin::upload.file:${orphan.documentId}`)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['media.create', 'media.delete']);
    expect(await node.node.mediaOrphans.runOnce()).toBe(0);
    // The cleanup re-checks inside its transaction: a file attached since it was listed stays.
    for (const kept of [cover, inBlocks, inMarkdown])
      await expect(node.node.media.remove(kept.id, { onlyOrphan: true })).rejects.toMatchObject({
        name: 'ConflictError',
      });
  });
});
