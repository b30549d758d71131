import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { fetchFile, jpeg, upload } from './helpers.js';
import { s3Config, startS3, S3_BUCKET } from './s3.js';

describeEachDatabase('S3 provider (s3rver)', (kind) => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(() => s3?.close());

  describe('public bucket', () => {
    let node: TestNode;
    beforeAll(async () => {
      node = await startTestNode({ kind, app: 'media', config: { upload: s3Config(s3.endpoint, 'public') } });
    });
    afterAll(() => node?.close());

    it('stores the file and its formats in the bucket, with absolute public URLs', async () => {
      const res = await upload(node, [
        { filename: 'photo.jpg', type: 'image/jpeg', data: await jpeg(800, 400) },
      ]);
      expect(res.status).toBe(201);
      const [file] = res.json();
      expect(file.provider).toBe('s3');
      expect(file.url).toBe(`${s3.endpoint}/${S3_BUCKET}/media/${file.hash}.jpg`);
      const original = await fetch(file.url);
      expect(original.status).toBe(200);
      expect(original.headers.get('content-type')).toBe('image/jpeg');
      // size is in kilobytes with two decimals.
      expect(Buffer.from(await original.arrayBuffer()).length / 1000).toBeCloseTo(file.size, 1);
      const thumb = await fetch(file.formats.thumbnail.url);
      expect(thumb.status).toBe(200);

      const deleted = await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
      expect(deleted.status).toBe(200);
      expect((await fetch(file.url)).status).toBe(404);
      expect((await fetch(file.formats.small.url)).status).toBe(404);
    });
  });

  describe('unreachable bucket', () => {
    let node: TestNode;
    beforeAll(async () => {
      const closed = await startS3();
      await closed.close();
      node = await startTestNode({
        kind,
        app: 'media',
        config: { upload: s3Config(closed.endpoint, 'public') },
      });
    });
    afterAll(() => node?.close());

    it('answers 503 and writes no file row', async () => {
      const res = await upload(node, [{ filename: 'down.txt', data: 'nowhere to go' }]);
      expect(res.status).toBe(503);
      expect(res.json().error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });
      expect((await node.request({ url: '/api/upload/files' })).json()).toEqual([]);
    });
  });

  describe('signed access', () => {
    let node: TestNode;
    beforeAll(async () => {
      node = await startTestNode({ kind, app: 'media', config: { upload: s3Config(s3.endpoint, 'signed') } });
    });
    afterAll(() => node?.close());

    it('keeps /uploads URLs and redirects them to a short-lived signed URL', async () => {
      const res = await upload(node, [{ filename: 'notes.txt', data: 'signed bytes' }]);
      const [file] = res.json();
      expect(file.url).toBe(`/uploads/${file.hash}.txt`);
      const redirect = await fetchFile(node, file.url);
      expect(redirect.status).toBe(302);
      const location = String(redirect.headers.location);
      expect(location).toContain(`/${S3_BUCKET}/media/${file.hash}.txt?`);
      expect(location).toMatch(/X-Amz-Signature=/);
      const signed = await fetch(location);
      expect(signed.status).toBe(200);
      expect(await signed.text()).toBe('signed bytes');
      const ranged = await fetch(location, { headers: { range: 'bytes=7-11' } });
      expect(ranged.status).toBe(206);
      expect(await ranged.text()).toBe('bytes');
    });
  });
});
