import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { DatabaseStorage } from '../../src/media/storage/database.js';
import { LocalStorage } from '../../src/media/storage/local.js';
import { S3Storage } from '../../src/media/storage/s3.js';
import type { FileStorage } from '../../src/media/storage/index.js';
import { uploadsFolder } from './helpers.js';
import { S3_BUCKET, startS3 } from './s3.js';

const CHUNK = 16 * 1024;
const BYTES = Buffer.from(Array.from({ length: 5 * CHUNK + 77 }, (_, i) => (i * 31) % 256));

async function read(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

/** The storage interface's contract, the same for every provider. */
function contract(storage: () => FileStorage) {
  const put = (key: string, bytes: Buffer) =>
    storage().put(key, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), {
      contentType: 'application/octet-stream',
      size: bytes.length,
    });

  it('puts, stats, gets, ranges and deletes', async () => {
    await put('object_0123456789.bin', BYTES);
    expect(await storage().stat('object_0123456789.bin')).toMatchObject({ size: BYTES.length });
    expect((await read(await storage().get('object_0123456789.bin'))).equals(BYTES)).toBe(true);
    // (Not 0-0: s3rver reads an end of 0 as "to the end".)
    for (const [start, end] of [
      [0, 1],
      [CHUNK - 1, CHUNK],
      [CHUNK * 2 + 5, CHUNK * 4 + 9],
      [BYTES.length - 10, BYTES.length - 1],
    ]) {
      const part = await read(await storage().get('object_0123456789.bin', { start, end }));
      expect(part.equals(BYTES.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    await storage().delete('object_0123456789.bin');
    expect(await storage().stat('object_0123456789.bin')).toBeUndefined();
    await storage().delete('object_0123456789.bin');
  });

  it('refuses keys that could leave the storage', async () => {
    for (const key of ['../x.bin', 'a/b.bin', '.hidden', '', 'a..b/c'])
      await expect(put(key, BYTES.subarray(0, 10))).rejects.toThrow(/invalid storage key/);
    expect(() => storage().url('../x')).toThrow();
  });
}

describe('local storage', () => {
  const storage = new LocalStorage(uploadsFolder());
  contract(() => storage);
  it('has URLs under /uploads', () => expect(storage.url('a_1.png')).toBe('/uploads/a_1.png'));
});

describeEachDatabase('database storage', (kind) => {
  let node: TestNode;
  let storage: DatabaseStorage;
  beforeAll(async () => {
    node = await startTestNode({ kind, app: 'media' });
    storage = new DatabaseStorage(node.node.database, CHUNK);
  });
  afterAll(() => node?.close());
  contract(() => storage);

  it('stores chunks of the configured size and reads only the chunks a range covers', async () => {
    await storage.put('chunks_0123456789.bin', Readable.from([BYTES]), {
      contentType: 'x/y',
      size: BYTES.length,
    });
    const { db } = node.node.database;
    const rows = await db
      .selectFrom('quorum_media_chunks')
      .select(['seq', 'data'])
      .where('key', '=', 'chunks_0123456789.bin')
      .orderBy('seq')
      .execute();
    expect(rows.map((row) => (row.data as Buffer).length)).toEqual([CHUNK, CHUNK, CHUNK, CHUNK, CHUNK, 77]);
    const statements: string[] = [];
    const stop = node.node.database.onQuery((event) => statements.push(event.sql));
    const part = await read(
      await storage.get('chunks_0123456789.bin', { start: CHUNK * 3 + 1, end: CHUNK * 3 + 100 }),
    );
    stop();
    expect(part.equals(BYTES.subarray(CHUNK * 3 + 1, CHUNK * 3 + 101))).toBe(true);
    // One lookup of the object, one read of the single chunk the range falls in.
    expect(statements.filter((sql) => sql.includes('quorum_media_chunks'))).toHaveLength(1);
    expect(await storage.stat('chunks_0123456789.bin')).toEqual({ size: BYTES.length, contentType: 'x/y' });
    await storage.delete('chunks_0123456789.bin');
    const left = await db
      .selectFrom('quorum_media_chunks')
      .select('seq')
      .where('key', '=', 'chunks_0123456789.bin')
      .execute();
    expect(left).toEqual([]);
  });
});

describe('S3 storage (s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let storage: S3Storage;
  beforeAll(async () => {
    s3 = await startS3();
    storage = new S3Storage({
      bucket: S3_BUCKET,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      prefix: 'test/',
      access: 'public',
      signedUrlTtlSeconds: 60,
    });
  });
  afterAll(async () => {
    storage?.close();
    await s3?.close();
  });
  contract(() => storage);

  it('public URLs point at the bucket', async () => {
    await storage.put('pub_0123456789.txt', Readable.from([Buffer.from('hello')]), {
      contentType: 'text/plain',
      size: 5,
    });
    const url = storage.url('pub_0123456789.txt');
    expect(url).toBe(`${s3.endpoint}/${S3_BUCKET}/test/pub_0123456789.txt`);
    const res = await fetch(url);
    expect(await res.text()).toBe('hello');
    expect(res.headers.get('content-type')).toBe('text/plain');
  });
});
