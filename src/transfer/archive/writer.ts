import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { DEFAULT_MAX_JSONL_SIZE, jsonlFileName, type JsonlStage } from '../format.js';
import { createEncryptStream, type Algorithm, type EncryptionLayout } from './encryption.js';

export interface ArchiveWriterOptions {
  gzip?: boolean;
  /** Encrypts the (gzipped) tar as `strapi export --key` does. */
  encryption?: { key: string; algorithm?: Algorithm; layout?: EncryptionLayout };
  /** Characters per JSONL file before the next one is started (Strapi's default: 256 MB). */
  maxJsonlSize?: number;
}

/**
 * Writes an archive in Strapi's layout: tar entries added one at a time (`addFile`, `addStream`, or a
 * stage's lines through `writeJsonl`), piped through gzip and encryption into `file`. `close` finalizes
 * the tar and resolves once the file is complete.
 */
export class ArchiveWriter {
  readonly #pack = tar.pack();
  readonly #done: Promise<void>;
  readonly #maxJsonlSize: number;

  constructor(file: string, options: ArchiveWriterOptions = {}) {
    this.#maxJsonlSize = options.maxJsonlSize ?? DEFAULT_MAX_JSONL_SIZE;
    const steps: (Readable | Transform)[] = [this.#pack];
    if (options.gzip) steps.push(createGzip());
    if (options.encryption) steps.push(createEncryptStream(options.encryption));
    this.#done = pipeline([...steps, createWriteStream(file)] as unknown as [Readable, Transform]);
    // close() reports a failure; until then an unobserved rejection must not end the process.
    this.#done.catch(() => undefined);
  }

  /** Adds one entry whose bytes are in memory. */
  addFile(name: string, content: Buffer | string): Promise<void> {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    return new Promise((resolve, reject) => {
      this.#pack.entry({ name, size: bytes.length, mtime: new Date() }, bytes, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  /** Adds one entry streamed from `body`, which must yield exactly `size` bytes (tar needs it up front). */
  async addStream(name: string, size: number, body: Readable): Promise<void> {
    const entry = this.#pack.entry({ name, size, mtime: new Date() });
    await pipeline(body, entry);
  }

  /**
   * Writes a stage's values as JSON lines into `<stage>/<stage>_00001.jsonl`, starting the next file before
   * one would pass the size limit, as Strapi does. Returns how many lines were written.
   */
  async writeJsonl(stage: JsonlStage, values: AsyncIterable<unknown> | Iterable<unknown>): Promise<number> {
    let index = 0;
    let lines: string[] = [];
    let size = 0;
    let count = 0;
    const flush = async () => {
      if (!lines.length) return;
      index += 1;
      await this.addFile(jsonlFileName(stage, index), lines.join(''));
      lines = [];
      size = 0;
    };
    for await (const value of values) {
      const line = JSON.stringify(value) + '\n';
      if (size + line.length > this.#maxJsonlSize) await flush();
      lines.push(line);
      size += line.length;
      count += 1;
    }
    await flush();
    return count;
  }

  /** Ends the tar and waits until every byte is in the file. */
  async close(): Promise<void> {
    this.#pack.finalize();
    await this.#done;
  }
}
