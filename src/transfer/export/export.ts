import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../db/types.js';
import type { SchemaFile } from '../../core/schema/load-files.js';
import type { Schema } from '../../core/schema/registry.js';
import { ownedRelations } from '../../core/schema/relations.js';
import { deriveKey, resolveSecret, type QuorumConfig } from '../../config/index.js';
import { createStorage, type FileStorage } from '../../media/storage/index.js';
import { SecretBox } from '../../webhooks/secrets.js';
import { ArchiveWriter } from '../archive/index.js';
import { TransferError } from '../errors.js';
import { SILENT_PROGRESS, type Progress } from '../progress.js';
import { ASSET_METADATA_DIR, ASSET_UPLOADS_DIR, METADATA_FILE } from '../format.js';
import { assetItems, type MissingAsset } from './assets.js';
import { configurationLines, type ConfigurationSources } from './configuration.js';
import { entityLines, exportedTypes } from './entities.js';
import type { ExportPart } from './file-name.js';
import { linkLines } from './links.js';
import { archiveMetadata } from './metadata.js';
import { schemaInFileOrder } from './schema-order.js';
import { schemaLines } from './schemas.js';
import { inReadSnapshot } from './snapshot.js';
import { writeSpooledJsonl } from './spooled-jsonl.js';

export type ExportParts = ReadonlySet<ExportPart>;

export interface ExportRequest {
  readonly database: Database;
  /** The storage file bytes are read from, given the snapshot (the database provider reads inside it). */
  readonly storage: (snapshot: Database) => FileStorage;
  /** Where the archive goes (already named with its endings, see archiveFileName). */
  readonly file: string;
  readonly gzip: boolean;
  /** Encrypts the archive as `strapi export --key` does. */
  readonly key?: string;
  /** Replace an existing file at `file`. */
  readonly force?: boolean;
  readonly parts: ExportParts;
  /** The app's schema files (and Quorum's built-in ones): the order of keys to write (schema-order.ts). */
  readonly schemaFiles?: readonly SchemaFile[];
  /** What the configuration stage needs besides the database. */
  readonly configuration: ConfigurationSources;
  readonly progress?: Progress;
  /**
   * Told the temporary paths the export writes beside the archive (removed when it ends either way), so
   * a command ended by a signal can remove them too.
   */
  readonly onTemporary?: (paths: readonly string[]) => void;
}

export interface ExportSummary {
  readonly file: string;
  /** The archive's size on disk. */
  readonly bytes: number;
  readonly counts: {
    schemas: number;
    entities: number;
    links: number;
    assets: number;
    configuration: number;
  };
  /** Bytes of the files in assets/uploads. */
  readonly assetBytes: number;
  readonly missingAssets: readonly MissingAsset[];
  readonly ms: number;
}

/**
 * Writes a Strapi transfer archive of the database: schemas, then (as `strapi export` orders them)
 * entities, assets, links, configuration, and metadata.json last. Everything is read inside one read
 * snapshot and streamed: rows in batches, JSONL spooled to disk per file, file bytes one object at a time.
 * The archive is written under a temporary name beside `file` and renamed at the end, so a failed or
 * interrupted export leaves no partial archive and never replaces a good one.
 */
export async function exportArchive(request: ExportRequest): Promise<ExportSummary> {
  const begun = Date.now();
  const { file, parts } = request;
  const progress = request.progress ?? SILENT_PROGRESS;
  if (!request.force && existsSync(file))
    throw new TransferError(`${file} already exists: choose another name, or pass --force to replace it`);
  const dir = path.dirname(path.resolve(file));
  const partial = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  const spoolDir = await mkdtemp(path.join(dir, `.${path.basename(file)}.spool-`)).catch(
    (error: NodeJS.ErrnoException) => {
      throw new TransferError(`cannot write into ${dir}: ${error.code ?? error.message}`);
    },
  );
  request.onTemporary?.([partial, spoolDir]);
  const counts = { schemas: 0, entities: 0, links: 0, assets: 0, configuration: 0 };
  const missingAssets: MissingAsset[] = [];
  let assetBytes = 0;
  const writer = new ArchiveWriter(partial, {
    gzip: request.gzip,
    ...(request.key !== undefined && { encryption: { key: request.key } }),
  });
  try {
    await inReadSnapshot(request.database, async (snapshot) => {
      const schema = await schemaInFileOrder(snapshot, request.schemaFiles);
      const totals = await stageTotals(snapshot, schema);
      const jsonl = async (
        stage: 'schemas' | 'entities' | 'links' | 'configuration',
        lines: AsyncIterable<unknown>,
        total?: number,
      ) => {
        progress.start(stage, total);
        const count = await writeSpooledJsonl(writer, stage, lines, spoolDir, () => progress.advance());
        progress.end();
        counts[stage] = count;
      };

      await jsonl('schemas', schemaLines(schema), schema.contentTypes.size + schema.components.size);
      if (parts.has('content')) await jsonl('entities', entityLines(snapshot, schema), totals.entities);
      if (parts.has('files')) {
        progress.start('assets');
        const storage = request.storage(snapshot);
        for await (const asset of assetItems(snapshot, schema, storage, (missing) =>
          missingAssets.push(missing),
        )) {
          await writer.addFile(
            `${ASSET_METADATA_DIR}/${asset.filename}.json`,
            JSON.stringify(asset.metadata),
          );
          await writer.addStream(`${ASSET_UPLOADS_DIR}/${asset.filename}`, asset.size, await asset.open());
          counts.assets += 1;
          assetBytes += asset.size;
          progress.advance();
        }
        progress.end();
      }
      if (parts.has('content')) await jsonl('links', linkLines(snapshot, schema), totals.links);
      if (parts.has('config'))
        await jsonl('configuration', configurationLines(snapshot, request.configuration));
      await writer.addFile(METADATA_FILE, JSON.stringify(archiveMetadata(), null, 2));
    });
    await writer.close();
    await rename(partial, file);
  } catch (error) {
    await abandon(writer);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
  return {
    file,
    bytes: (await stat(file)).size,
    counts,
    assetBytes,
    missingAssets,
    ms: Date.now() - begun,
  };
}

/** Row counts for the progress bars, read in the snapshot (so they match what is written). */
async function stageTotals(snapshot: Database, schema: Schema): Promise<{ entities: number; links: number }> {
  const count = async (table: string) => {
    const row = await snapshot.db
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  let entities = 0;
  for (const type of exportedTypes(schema)) entities += await count(type.tableName);
  // Every row also has its `localizations` link (links.ts).
  let links = entities;
  for (const storage of ownedRelations(schema)) links += await count(storage.table);
  return { entities, links };
}

/**
 * Ends a writer after a failure. Finalizing waits for the tar to drain, which a broken entry may never
 * do; the file is removed anyway, so the wait is bounded.
 */
async function abandon(writer: ArchiveWriter): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    writer.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/** What an export reads besides the database, from the app's configuration (as `quorum export` does). */
export function exportSources(
  config: QuorumConfig,
  env: Record<string, string | undefined> = process.env,
): Pick<ExportRequest, 'storage' | 'configuration'> {
  const settings = config.usersPermissions;
  return {
    storage: (snapshot) => createStorage(config, snapshot),
    configuration: {
      webhookSecrets: new SecretBox(deriveKey(resolveSecret(config, env), 'webhook-secrets')),
      usersPermissions: {
        allowRegister: settings.register.enabled,
        emailConfirmation: settings.emailConfirmation,
        emailConfirmationRedirect: settings.emailConfirmationRedirect,
        resetPasswordUrl: settings.resetPasswordUrl,
      },
    },
  };
}
