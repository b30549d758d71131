import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/databases.js';
import { TestCluster } from '../helpers/cluster.js';
import { killAllProcesses } from '../helpers/processes.js';
import { jpeg, multipart } from './helpers.js';

/**
 * Two real node processes on one PostgreSQL database with the default provider there (database): a
 * file uploaded through one node is served, ranged and deleted through the other, with no shared disk.
 */
describe.skipIf(!postgresAvailable())('media across a cluster (database provider)', () => {
  let cluster: TestCluster;
  let token: string;
  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 2, app: 'media' });
    token = (await cluster.createApiToken(cluster.nodes[0])).authorization;
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  it('uploads through A; downloads, ranges and deletes through B', async () => {
    const [a, b] = cluster.nodes;
    const image = await jpeg(1200, 900);
    const { body, contentType } = await multipart(
      [{ filename: 'shared.jpg', type: 'image/jpeg', data: image }],
      {
        fileInfo: JSON.stringify({ alternativeText: 'across nodes' }),
      },
    );
    const uploaded = await a.fetch('/api/upload', {
      method: 'POST',
      headers: { authorization: token, 'content-type': contentType },
      body: new Uint8Array(body),
    });
    expect(uploaded.status).toBe(201);
    const [file] = (await uploaded.json()) as {
      id: number;
      url: string;
      provider: string;
      formats: Record<string, { url: string }>;
    }[];
    expect(file.provider).toBe('database');

    const whole = await b.fetch(file.url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(image)).toBe(true);
    const ranged = await b.fetch(file.url, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(image.subarray(1000, 2000))).toBe(true);
    expect((await b.fetch(file.formats.thumbnail.url)).status).toBe(200);

    const listed = await cluster.api(b, 'GET', `/api/upload/files/${file.id}`, token);
    expect(listed.body).toMatchObject({ id: file.id, alternativeText: 'across nodes' });
    const deleted = await cluster.api(b, 'DELETE', `/api/upload/files/${file.id}`, token);
    expect(deleted.status).toBe(200);
    expect((await a.fetch(file.url)).status).toBe(404);
    expect((await a.fetch(file.formats.thumbnail.url)).status).toBe(404);
    expect((await cluster.api(a, 'GET', `/api/upload/files/${file.id}`, token)).status).toBe(404);
  });
});
