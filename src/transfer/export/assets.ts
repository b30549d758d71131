import type { Readable } from 'node:stream';
import type { Database } from '../../db/types.js';
import type { Schema } from '../../core/schema/registry.js';
import { FILE_UID } from '../../core/schema/relations.js';
import type { FileStorage } from '../../media/storage/index.js';
import { typeEntities } from './entities.js';

/** One file of assets/uploads/, with what Strapi writes beside it in assets/metadata/<filename>.json. */
export interface AssetItem {
  readonly filename: string;
  readonly size: number;
  readonly metadata: Record<string, unknown>;
  open(): Promise<Readable>;
}

/** A stored object a file row names that the storage does not have. */
export interface MissingAsset {
  readonly filename: string;
  readonly fileId: number;
}

/**
 * Every stored object of every file: the original (metadata: the file's row) and each format (metadata:
 * the format's entry with its name as `type`, the file's `id` and the original's hash as `mainHash`), as
 * Strapi's transfer names and describes them, so its importer can tell formats from originals. Bytes are
 * read from the configured storage one object at a time. Objects the storage lacks are reported to
 * `onMissing` and left out: a lost file must not make the rest of a backup impossible.
 */
export async function* assetItems(
  database: Database,
  schema: Schema,
  storage: FileStorage,
  onMissing: (missing: MissingAsset) => void,
): AsyncGenerator<AssetItem> {
  const fileType = schema.contentTypes.get(FILE_UID);
  if (!fileType) return;
  for await (const file of typeEntities(database, schema, fileType)) {
    const metadata: Record<string, unknown> = { id: file.id, ...file.data };
    const objects: { key: string; metadata: Record<string, unknown> }[] = [
      { key: `${String(metadata.hash)}${String(metadata.ext ?? '')}`, metadata },
    ];
    const formats = metadata.formats;
    if (formats && typeof formats === 'object') {
      for (const [name, format] of Object.entries(formats as Record<string, Record<string, unknown>>)) {
        if (typeof format?.hash !== 'string') continue;
        objects.push({
          key: `${format.hash}${String(format.ext ?? '')}`,
          metadata: { ...format, type: name, id: file.id, mainHash: metadata.hash },
        });
      }
    }
    for (const object of objects) {
      const info = await storage.stat(object.key).catch(() => undefined);
      if (!info) {
        onMissing({ filename: object.key, fileId: file.id });
        continue;
      }
      yield {
        filename: object.key,
        size: info.size,
        metadata: object.metadata,
        open: () => storage.get(object.key),
      };
    }
  }
}
