import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { finished, pipeline } from 'node:stream/promises';
import { Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { TransferError } from '../errors.js';
import { createDecryptStream, firstPlainBlock, type Algorithm } from './encryption.js';

/** How an archive file is wrapped, found from its first bytes (file names are not trusted for it). */
export interface ArchiveLayers {
  encrypted: boolean;
  gzip: boolean;
}

export interface ArchiveOptions {
  /** The passphrase of an encrypted archive (`strapi export --key`). */
  key?: string;
  algorithm?: Algorithm;
}

/** One tar entry: its name (without a leading `./`), size, and its bytes, to read before the next entry. */
export interface ArchiveEntry {
  name: string;
  size: number;
  body: Readable;
}

const isGzip = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
const isTar = (bytes: Buffer): boolean => bytes.subarray(257, 262).toString('latin1') === 'ustar';

/**
 * Reads the first bytes to tell a tar, a tar.gz and an encrypted archive apart: gzip and tar have magic
 * bytes; anything else is taken as encrypted, and then needs the key, whose first block says whether a
 * gzip is inside.
 */
export async function archiveLayers(file: string, options: ArchiveOptions = {}): Promise<ArchiveLayers> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new TransferError(`cannot read the archive ${file}: ${error.code ?? error.message}`);
  });
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (isGzip(bytes)) return { encrypted: false, gzip: true };
    if (isTar(bytes)) return { encrypted: false, gzip: false };
    if (!options.key)
      throw new TransferError(
        `${file} is neither a tar nor a tar.gz: if it is an encrypted Strapi export, pass its key with --key`,
      );
    const plain = firstPlainBlock(bytes, options.key, options.algorithm);
    return { encrypted: true, gzip: isGzip(plain) };
  } finally {
    await handle.close();
  }
}

/**
 * The entries of an archive, in archive order, decrypted and decompressed as they stream. Each entry's body
 * must be read (or left: it is drained) before the next one is asked for; a broken archive (bad gzip,
 * truncated tar, wrong key) ends the iteration with a TransferError.
 */
export async function* readArchive(file: string, options: ArchiveOptions = {}): AsyncGenerator<ArchiveEntry> {
  const layers = await archiveLayers(file, options);
  const steps: (Readable | Transform)[] = [createReadStream(file)];
  if (layers.encrypted) steps.push(createDecryptStream({ key: options.key!, algorithm: options.algorithm }));
  if (layers.gzip) steps.push(createGunzip());
  const extract = tar.extract();
  let failure: unknown;
  const flowing = pipeline([...steps, extract] as unknown as [Readable, Transform]).catch(
    (error: unknown) => {
      failure = error;
      extract.destroy(error as Error);
    },
  );
  try {
    for await (const entry of extract) {
      const header = entry.header;
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      // The body's errors (a truncated gzip shows up while an entry is read) are the archive's too.
      const body = Readable.from(
        (async function* () {
          try {
            for await (const chunk of entry) yield chunk as Buffer;
          } catch (error) {
            throw asArchiveError(file, failure ?? error);
          }
        })(),
        { objectMode: false },
      );
      yield { name: header.name.replace(/^\.\//, ''), size: header.size ?? 0, body };
      if (!entry.readableEnded) {
        entry.resume();
        await finished(entry).catch(() => undefined);
      }
    }
    await flowing;
    if (failure) throw failure;
  } catch (error) {
    throw asArchiveError(file, failure ?? error);
  } finally {
    extract.destroy();
  }
}

/** Anything that breaks while the archive streams (gzip, tar, decryption) is the archive's problem. */
function asArchiveError(file: string, error: unknown): Error {
  if (error instanceof TransferError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransferError(`${file} is not a readable Strapi export (${message})`);
}
