import { sql } from 'kysely';
import { Readable } from 'node:stream';
import type { Database } from '../../db/types.js';
import {
  assertStorageKey,
  UPLOADS_PATH,
  type ByteRange,
  type FileStorage,
  type ObjectInfo,
} from './types.js';

const OBJECTS = 'quorum_media_objects';
const CHUNKS = 'quorum_media_chunks';
/** Chunks fetched per statement while streaming a read: bounds memory to a few chunks. */
const CHUNKS_PER_READ = 4;

/**
 * File bytes in the database itself, in rows of `chunkSize` bytes (system migration 0500): every node
 * serves every file with no shared disk and no extra service. Writes stream chunk by chunk; a read, and
 * a Range read in particular, fetches only the chunks it covers, a few at a time. The object row is
 * written last, so an object exists only once all its chunks do.
 */
export class DatabaseStorage implements FileStorage {
  readonly provider = 'database';

  constructor(
    private readonly database: Database,
    private readonly chunkSize: number,
  ) {}

  // node-pg sends and receives bytea as hex text, twice the size of the bytes; base64 is a third more and
  // halves the time a chunk takes on both sides. SQLite binds and returns blobs as they are.
  #toColumn(chunk: Buffer): unknown {
    return this.database.kind === 'postgres' ? sql`decode(${chunk.toString('base64')}, 'base64')` : chunk;
  }

  #dataColumn() {
    return this.database.kind === 'postgres'
      ? sql<string>`encode(data, 'base64')`.as('data')
      : sql<Buffer>`data`.as('data');
  }

  #fromColumn(value: unknown): Buffer {
    return typeof value === 'string' ? Buffer.from(value, 'base64') : (value as Buffer);
  }

  async put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void> {
    assertStorageKey(key);
    const { db } = this.database;
    let seq = 0;
    let size = 0;
    try {
      for await (const chunk of rechunk(body, this.chunkSize)) {
        await db
          .insertInto(CHUNKS)
          .values({ key, seq: seq++, data: this.#toColumn(chunk) })
          .execute();
        size += chunk.length;
      }
      if (size !== meta.size) throw new Error(`stored ${size} bytes of ${key}, expected ${meta.size}`);
      await db
        .insertInto(OBJECTS)
        .values({
          key,
          size,
          chunk_size: this.chunkSize,
          content_type: meta.contentType,
          created_at: new Date().toISOString(),
        })
        .execute();
    } catch (err) {
      await db.deleteFrom(CHUNKS).where('key', '=', key).execute();
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const row = await this.#object(key);
    return row && { size: row.size, contentType: row.contentType };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const object = await this.#object(key);
    if (!object) throw Object.assign(new Error(`no object ${key}`), { code: 'ENOENT' });
    const { size, chunkSize } = object;
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const { db } = this.database;
    const data = this.#dataColumn();
    const fromColumn = (value: unknown) => this.#fromColumn(value);
    async function* chunks(): AsyncGenerator<Buffer> {
      if (size === 0) return;
      const last = Math.floor(end / chunkSize);
      for (let first = Math.floor(start / chunkSize); first <= last; first += CHUNKS_PER_READ) {
        const rows = await db
          .selectFrom(CHUNKS)
          .select(['seq', data])
          .where('key', '=', key)
          .where('seq', '>=', first)
          .where('seq', '<=', Math.min(last, first + CHUNKS_PER_READ - 1))
          .orderBy('seq')
          .execute();
        for (const row of rows) {
          const offset = Number(row.seq) * chunkSize;
          const bytes = fromColumn(row.data);
          yield bytes.subarray(Math.max(0, start - offset), Math.min(bytes.length, end - offset + 1));
        }
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    await this.database.transaction(async (trx) => {
      await trx.deleteFrom(OBJECTS).where('key', '=', key).execute();
      await trx.deleteFrom(CHUNKS).where('key', '=', key).execute();
    });
  }

  url(key: string): string {
    assertStorageKey(key);
    return `${UPLOADS_PATH}/${key}`;
  }

  async #object(key: string) {
    assertStorageKey(key);
    const row = await this.database.db
      .selectFrom(OBJECTS)
      .select(['size', 'chunk_size', 'content_type'])
      .where('key', '=', key)
      .executeTakeFirst();
    return (
      row && {
        size: Number(row.size),
        chunkSize: Number(row.chunk_size),
        contentType: row.content_type as string,
      }
    );
  }
}

/** Re-cuts a byte stream into buffers of exactly `size` bytes (the last one shorter). */
async function* rechunk(body: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of body) {
    let buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    while (length + buffer.length >= size) {
      const take = size - length;
      pending.push(buffer.subarray(0, take));
      yield Buffer.concat(pending);
      buffer = buffer.subarray(take);
      pending = [];
      length = 0;
    }
    if (buffer.length) {
      pending.push(buffer);
      length += buffer.length;
    }
  }
  if (length) yield Buffer.concat(pending);
}
