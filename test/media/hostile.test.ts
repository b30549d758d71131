import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { jpeg, png, storedCounts, upload, uploadsFolder, type FilePart } from './helpers.js';

const LIMIT = 64 * 1024;
const HTML = '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>';

describeEachDatabase('hostile uploads', (kind) => {
  let node: TestNode;
  let folder: string;
  beforeAll(async () => {
    folder = uploadsFolder();
    node = await startTestNode({
      kind,
      app: 'media',
      config: { upload: { local: { folder }, sizeLimit: LIMIT, maxFiles: 3 } },
    });
  });
  afterAll(() => node?.close());

  /** The upload is refused with `status` and Strapi's error shape, and nothing is stored anywhere. */
  async function refused(files: FilePart[], status: number, fields: Record<string, string> = {}) {
    const before = await storedCounts(node);
    const res = await upload(node, files, fields);
    expect(res.status, res.body).toBe(status);
    expect(res.json()).toMatchObject({
      data: null,
      error: { status, name: expect.any(String), message: expect.any(String) },
    });
    expect(await storedCounts(node)).toEqual(before);
    expect(readdirSync(folder)).toEqual([]);
    return res.json().error;
  }

  it('a zero-byte file', async () => {
    const error = await refused([{ filename: 'empty.png', type: 'image/png', data: Buffer.alloc(0) }], 400);
    expect(error.message).toMatch(/empty/);
  });

  it('no files at all', async () => {
    const error = await refused([], 400);
    expect(error.message).toBe('Files are empty');
  });

  it('a file over the size limit: 413 PayloadTooLargeError, even after valid files', async () => {
    const error = await refused(
      [
        { filename: 'ok.png', data: await png(10, 10) },
        { filename: 'big.bin', data: Buffer.alloc(LIMIT + 1, 7) },
      ],
      413,
    );
    expect(error.name).toBe('PayloadTooLargeError');
  });

  it('more files than allowed', async () => {
    const small = await png(4, 4);
    const error = await refused(
      Array.from({ length: 4 }, (_, i) => ({ filename: `${i}.png`, data: small })),
      413,
    );
    expect(error.name).toBe('PayloadTooLargeError');
  });

  it('HTML claiming to be a PNG (by type or by name)', async () => {
    const byType = await refused([{ filename: 'cat', type: 'image/png', data: HTML }], 400);
    expect(byType.message).toMatch(/text\/html, not the image\/png/);
    await refused([{ filename: 'cat.png', type: 'application/octet-stream', data: HTML }], 400);
    await refused([{ filename: 'cat.svg', type: 'image/svg+xml', data: HTML }], 400);
    await refused([{ filename: 'report.pdf', type: 'application/pdf', data: 'not a pdf' }], 400);
  });

  it('a polyglot: a PNG signature in front of a page, and a truncated image', async () => {
    // The signature and header chunk of a real PNG (so the bytes do say PNG), then a page.
    const header = (await png(300, 200)).subarray(0, 33);
    const polyglot = Buffer.concat([header, Buffer.from(HTML)]);
    const error = await refused([{ filename: 'poly.png', type: 'image/png', data: polyglot }], 400);
    expect(error.message).toMatch(/not a valid image/);
    const whole = await jpeg(200, 200);
    await refused([{ filename: 'cut.jpg', type: 'image/jpeg', data: whole.subarray(0, 200) }], 400);
  });

  it('malformed bodies: not multipart, broken multipart, bad fileInfo, unexpected fields', async () => {
    const json = await node.request({ method: 'POST', url: '/api/upload', body: { files: [] } });
    expect(json.status).toBe(415);
    const broken = await node.request({
      method: 'POST',
      url: '/api/upload',
      payload: '--x\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nhello',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(broken.status).toBe(400);
    const small = await png(4, 4);
    await refused([{ filename: 'a.png', data: small }], 400, { fileInfo: '{not json' });
    await refused([{ filename: 'a.png', data: small }], 400, { fileInfo: JSON.stringify({ hash: 'x' }) });
    await refused([{ filename: 'a.png', data: small }], 400, { fileInfo: JSON.stringify([{}, {}]) });
    await refused([{ filename: 'a.png', name: 'other', data: small }], 400);
    expect(
      (await upload(node, [{ filename: 'a.png', data: small }], {}, { url: '/api/upload?id=abc' })).status,
    ).toBe(404);
  });

  it('a failure after the bytes were stored (an entry that does not exist) leaves nothing', async () => {
    const error = await refused([{ filename: 'late.png', data: await png(400, 300) }], 400, {
      ref: 'api::article.article',
      refId: '999999',
      field: 'cover',
    });
    expect(error.message).toMatch(/no api::article.article entry/);
  });

  it('a hostile replacement is refused and the original stays', async () => {
    const [file] = (await upload(node, [{ filename: 'keep.png', data: await png(300, 300) }])).json();
    const before = await storedCounts(node);
    const files = readdirSync(folder).sort();
    const res = await upload(
      node,
      [{ filename: 'evil.png', type: 'image/png', data: HTML }],
      {},
      {
        url: `/api/upload?id=${file.id}`,
      },
    );
    expect(res.status).toBe(400);
    expect(await storedCounts(node)).toEqual(before);
    expect(readdirSync(folder).sort()).toEqual(files);
    expect((await node.request({ url: `/api/upload/files/${file.id}` })).json()).toMatchObject({
      hash: file.hash,
    });
    await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    expect(readdirSync(folder)).toEqual([]);
  });

  it('arbitrary multipart bodies get a 4xx or a 201, never a 5xx', async () => {
    const part = fc.record({
      name: fc.constantFrom('files', 'fileInfo', 'ref', 'x'),
      filename: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      type: fc.constantFrom('image/png', 'text/html', 'application/octet-stream', 'x/y; a=b', ''),
      data: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new Uint8Array(0))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 4 }), fc.boolean(), async (parts, truncate) => {
        const boundary = 'quorumfuzz';
        const chunks: Buffer[] = [];
        for (const p of parts) {
          const filename =
            p.filename === undefined ? '' : `; filename="${p.filename.replace(/["\r\n]/g, '')}"`;
          chunks.push(
            Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${filename}\r\n`),
            Buffer.from(p.type ? `Content-Type: ${p.type}\r\n\r\n` : '\r\n'),
            Buffer.from(p.data),
            Buffer.from('\r\n'),
          );
        }
        chunks.push(Buffer.from(`--${boundary}--\r\n`));
        let payload = Buffer.concat(chunks);
        if (truncate) payload = payload.subarray(0, Math.floor(payload.length / 2));
        const res = await node.request({
          method: 'POST',
          url: '/api/upload',
          payload,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        expect(res.status, res.body).toBeLessThan(500);
        expect(res.json()).toBeTypeOf('object');
      }),
      { numRuns: 60 },
    );
    // Whatever was accepted goes again, so the suites after this one start from an empty library.
    for (const file of (await node.request({ url: '/api/upload/files' })).json())
      await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    expect(readdirSync(folder)).toEqual([]);
  });

  it('path-like and odd names never reach the storage key', async () => {
    for (const filename of [
      '../../etc/passwd.png',
      '..\\..\\boot.png',
      '/abs/x.png',
      '..',
      'a\u0000b.png',
      '%2e%2e%2fx.png',
    ]) {
      const res = await upload(node, [{ filename, data: await png(8, 8) }]);
      expect(res.status, filename).toBe(201);
      const [file] = res.json();
      expect(file.hash).toMatch(/^[a-z0-9_]+_[0-9a-f]{10}$/);
      expect(file.url).toMatch(/^\/uploads\/[a-z0-9_]+\.png$/);
      expect(file.name).not.toMatch(/[/\\]/);
      expect(file.name.includes(String.fromCharCode(0))).toBe(false);
      await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    }
    for (const url of [
      '/uploads/..%2f..%2fetc%2fpasswd',
      '/uploads/.hidden',
      '/uploads/a%00b.png',
      '/uploads/%2e%2e',
    ]) {
      const res = await node.request({ url, auth: 'none' });
      expect(res.status, url).toBe(404);
      expect(res.json().error.status).toBe(404);
    }
  });
});
