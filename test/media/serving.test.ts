import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { fetchFile, png, upload, uploadsFolder } from './helpers.js';

describeEachDatabase('serving stored files', (kind) => {
  for (const provider of kind === 'sqlite' ? ['local', 'database'] : ['database', 'local']) {
    describeProvider(kind, provider);
  }
});

function describeProvider(kind: 'sqlite' | 'postgres', provider: string) {
  describe(`${provider} provider`, () => {
    let node: TestNode;
    // Bytes that are not a multiple of the chunk size, and span several chunks of the database provider.
    const bytes = Buffer.from(Array.from({ length: 40_000 + 123 }, (_, i) => (i * 7 + (i >> 8)) % 251));
    let file: { url: string; hash: string; ext: string };

    beforeAll(async () => {
      node = await startTestNode({
        kind,
        app: 'media',
        config: {
          upload: { provider, local: { folder: uploadsFolder() }, database: { chunkSize: 16 * 1024 } },
        },
      });
      const res = await upload(node, [{ filename: 'data.bin', data: bytes }]);
      expect(res.status).toBe(201);
      [file] = res.json();
    });
    afterAll(() => node?.close());

    it('serves the bytes with an ETag, immutable caching and the stored type', async () => {
      expect(file).toMatchObject({ provider, ext: '.bin', mime: 'application/octet-stream' });
      const res = await fetchFile(node, file.url);
      expect(res.status).toBe(200);
      expect(res.bytes.equals(bytes)).toBe(true);
      expect(res.headers['content-length']).toBe(String(bytes.length));
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.etag).toMatch(/^".+"$/);
      const again = await fetchFile(node, file.url, { 'if-none-match': String(res.headers.etag) });
      expect(again.status).toBe(304);
    });

    it('answers byte ranges with 206, only the bytes asked for', async () => {
      for (const [range, start, end] of [
        ['bytes=0-9', 0, 9],
        ['bytes=16380-16400', 16380, 16400],
        ['bytes=30000-', 30000, bytes.length - 1],
        ['bytes=-100', bytes.length - 100, bytes.length - 1],
        ['bytes=39990-99999999', 39990, bytes.length - 1],
      ] as const) {
        const res = await fetchFile(node, file.url, { range });
        expect(res.status, range).toBe(206);
        expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${bytes.length}`);
        expect(res.bytes.equals(bytes.subarray(start, end + 1)), range).toBe(true);
      }
      const outside = await fetchFile(node, file.url, { range: `bytes=${bytes.length}-` });
      expect(outside.status).toBe(416);
      expect(outside.headers['content-range']).toBe(`bytes */${bytes.length}`);
      expect(outside.json().error.status).toBe(416);
      // Several ranges, nonsense and a stale If-Range get the whole file.
      for (const headers of [
        { range: 'bytes=0-1,5-6' },
        { range: 'lines=1-2' },
        { range: 'bytes=5-1' },
        { range: 'bytes=0-9', 'if-range': '"other"' },
      ] as Record<string, string>[]) {
        const res = await fetchFile(node, file.url, headers);
        expect(res.status).toBe(200);
        expect(res.bytes.length).toBe(bytes.length);
      }
    });

    it('serves images inline and SVG or HTML only as attachments, sandboxed', async () => {
      const res = await upload(node, [
        { filename: 'pic.png', data: await png(10, 10) },
        {
          filename: 'logo.svg',
          type: 'image/svg+xml',
          data: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        },
        {
          filename: 'page.html',
          type: 'text/html',
          data: '<html><body><script>alert(1)</script></body></html>',
        },
        { filename: 'readme.md', type: 'text/markdown', data: '# hello' },
      ]);
      expect(res.status).toBe(201);
      const [image, svg, html, markdown] = res.json();
      expect([svg.mime, html.mime, markdown.mime]).toEqual(['image/svg+xml', 'text/html', 'text/markdown']);
      const servedImage = await fetchFile(node, image.url);
      expect(servedImage.headers['content-type']).toBe('image/png');
      expect(servedImage.headers['content-disposition']).toMatch(/^inline/);
      for (const [file, type] of [
        [svg, 'image/svg+xml'],
        [html, 'text/html; charset=utf-8'],
        [markdown, 'text/markdown; charset=utf-8'],
      ]) {
        const served = await fetchFile(node, file.url);
        expect(served.status).toBe(200);
        expect(served.headers['content-type']).toBe(type);
        expect(served.headers['content-disposition']).toMatch(/^attachment/);
        expect(served.headers['x-content-type-options']).toBe('nosniff');
        expect(served.headers['content-security-policy']).toMatch(/sandbox/);
      }
    });

    it('answers HEAD with the headers of a GET and no body', async () => {
      const res = await node.node.app.inject({ method: 'HEAD', url: file.url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe(String(bytes.length));
      expect(res.headers.etag).toMatch(/^".+"$/);
      expect(res.rawPayload.length).toBe(0);
    });

    it('404 for names that were never stored', async () => {
      const res = await fetchFile(node, `/uploads/${file.hash}x${file.ext}`);
      expect(res.status).toBe(404);
    });
  });
}
