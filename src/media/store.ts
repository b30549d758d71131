import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ServiceUnavailableError, ValidationError } from '../core/errors.js';
import type { FileInfo } from './file-info.js';
import type { ImageProcessor, ImageSize } from './images.js';
import { cleanFileName, fileHash } from './names.js';
import { detectType } from './sniff.js';
import type { Spool, SpooledFile } from './spool.js';
import type { FileStorage } from './storage/index.js';

/** A responsive format as Strapi describes it inside `formats`. */
export interface FormatData {
  readonly name: string;
  readonly hash: string;
  readonly ext: string;
  readonly mime: string;
  readonly path: null;
  readonly width: number;
  readonly height: number;
  readonly size: number;
  readonly sizeInBytes: number;
  readonly url: string;
}

/** The columns of a file row that describe its bytes (everything but name, alternativeText, caption). */
export interface StoredBytes {
  readonly hash: string;
  readonly ext: string;
  readonly mime: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly formats: Record<string, FormatData> | null;
  readonly url: string;
  readonly previewUrl: null;
  readonly provider: string;
  readonly provider_metadata: null;
}

export interface StoreDeps {
  readonly storage: FileStorage;
  readonly images: ImageProcessor;
  readonly logger: Logger;
}

/** Strapi's `size`: kilobytes with two decimals. */
export function kilobytes(bytes: number): number {
  return Math.round((bytes / 1000) * 100) / 100;
}

/** The storage keys of a stored file: the original and each format. */
export function storageKeys(file: { hash: string; ext: string; formats?: unknown }): string[] {
  const keys = [`${file.hash}${file.ext}`];
  if (file.formats && typeof file.formats === 'object')
    for (const format of Object.values(file.formats as Record<string, { hash?: unknown; ext?: unknown }>))
      if (typeof format?.hash === 'string' && typeof format.ext === 'string')
        keys.push(`${format.hash}${format.ext}`);
  return keys;
}

/**
 * Checks a spooled upload and puts its bytes (and, for images, its formats) into the storage. Returns
 * the file's name and the columns describing its bytes; `keys` are what to delete if the row that
 * should point at them is never written. Nothing is left in the storage when this throws.
 */
export async function storeUpload(
  deps: StoreDeps,
  spool: Spool,
  file: SpooledFile,
  info: FileInfo,
): Promise<{ name: string; bytes: StoredBytes; keys: string[] }> {
  if (file.size === 0) throw new ValidationError(`"${cleanFileName(file.filename)}" is empty`);
  const type = await detectType(file.path, file);
  const name = cleanFileName(info.name ?? file.filename);
  const hash = fileHash(name);
  const size: ImageSize | undefined = deps.images.measurable(type.mime)
    ? await deps.images.measure(file.path)
    : undefined;
  const keys: string[] = [];
  const put = async (key: string, path: string, bytes: number) => {
    keys.push(key);
    try {
      await deps.storage.put(key, createReadStream(path), { contentType: type.mime, size: bytes });
    } catch (err) {
      // The client did nothing wrong: the storage (a bucket, a disk, the database) failed.
      deps.logger.error({ err, key, provider: deps.storage.provider }, 'could not store a file');
      throw new ServiceUnavailableError(
        'The file storage is unavailable, try again later',
        undefined,
        'QUORUM_STORAGE_UNAVAILABLE',
      );
    }
  };
  try {
    let formats: Record<string, FormatData> | null = null;
    if (size) {
      const rendered = await deps.images.formats(file.path, type.mime, size, (format) =>
        spool.path(`-${format}${type.ext}`),
      );
      if (rendered.size) formats = {};
      for (const [format, output] of rendered) {
        const formatHash = `${format}_${hash}`;
        const bytes = (await stat(output.path)).size;
        await put(`${formatHash}${type.ext}`, output.path, bytes);
        formats![format] = {
          name: `${format}_${name}`,
          hash: formatHash,
          ext: type.ext,
          mime: type.mime,
          path: null,
          width: output.width,
          height: output.height,
          size: kilobytes(bytes),
          sizeInBytes: bytes,
          url: deps.storage.url(`${formatHash}${type.ext}`),
        };
      }
    }
    await put(`${hash}${type.ext}`, file.path, file.size);
    return {
      name,
      keys,
      bytes: {
        hash,
        ext: type.ext,
        mime: type.mime,
        size: kilobytes(file.size),
        width: size?.width ?? null,
        height: size?.height ?? null,
        formats,
        url: deps.storage.url(`${hash}${type.ext}`),
        previewUrl: null,
        provider: deps.storage.provider,
        provider_metadata: null,
      },
    };
  } catch (err) {
    await removeObjects(deps, keys);
    throw err;
  }
}

/** Deletes storage objects; failures are logged, not thrown (the caller's outcome does not depend on them). */
export async function removeObjects(deps: StoreDeps, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    try {
      await deps.storage.delete(key);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, key }, 'could not delete a stored file');
    }
  }
}
