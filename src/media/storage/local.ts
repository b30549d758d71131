import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertStorageKey,
  UPLOADS_PATH,
  type ByteRange,
  type FileStorage,
  type ObjectInfo,
} from './types.js';

/** Files in a folder of the node's disk (the embedded default). A cluster needs a shared folder for it. */
export class LocalStorage implements FileStorage {
  readonly provider = 'local';

  constructor(private readonly folder: string) {}

  async put(key: string, body: Readable): Promise<void> {
    const target = this.#path(key);
    await mkdir(this.folder, { recursive: true });
    // Written under a temporary name and renamed, so a reader never sees a half-written file.
    const partial = path.join(this.folder, `.${key}.${randomBytes(6).toString('hex')}.part`);
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.#path(key));
      return info.isFile() ? { size: info.size } : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    return createReadStream(this.#path(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  url(key: string): string {
    assertStorageKey(key);
    return `${UPLOADS_PATH}/${key}`;
  }

  #path(key: string): string {
    assertStorageKey(key);
    return path.join(this.folder, key);
  }
}
