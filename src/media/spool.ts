import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../core/errors.js';

/** An upload written to a temporary file: its bytes never sit whole in memory. */
export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  /** The name the client gave (unchecked). */
  readonly filename: string;
  /** The type the client claimed (unchecked). */
  readonly claimedType: string;
}

/** A temporary folder for one request's uploads; `dispose` removes it and everything in it. */
export class Spool {
  readonly #dir: Promise<string>;

  constructor() {
    this.#dir = mkdtemp(path.join(tmpdir(), 'quorum-upload-'));
  }

  /** Writes `stream` to a temporary file; more than `limit` bytes is a 413 and nothing is kept. */
  async write(
    stream: Readable,
    meta: { filename: string; claimedType: string },
    limit: number,
  ): Promise<SpooledFile> {
    const file = path.join(await this.#dir, randomBytes(8).toString('hex'));
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) done(tooLarge(limit));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(stream, counter, createWriteStream(file));
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { path: file, size, ...meta };
  }

  /** A fresh path in the spool folder (for generated formats). */
  async path(suffix: string): Promise<string> {
    return path.join(await this.#dir, `${randomBytes(8).toString('hex')}${suffix}`);
  }

  async dispose(): Promise<void> {
    await rm(await this.#dir, { recursive: true, force: true });
  }
}

export function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `File exceeds the upload size limit of ${limit} bytes`,
    { limit },
    'QUORUM_FILE_TOO_LARGE',
  );
}
