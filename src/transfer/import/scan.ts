import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import type { Schema } from '../../core/schema/registry.js';
import { isStorageKey } from '../../media/storage/index.js';
import { readArchive, readJsonLines, type ArchiveOptions } from '../archive/index.js';
import { TransferError } from '../errors.js';
import {
  ASSET_UPLOADS_DIR,
  METADATA_FILE,
  stageOf,
  type ArchiveMetadata,
  type EntityLine,
  type LinkLine,
  type SchemaLine,
} from '../format.js';
import type { Progress } from '../progress.js';
import { EntityRows, type FileUrls, type LineRef } from './entity-rows.js';
import { LinkRows, type SkipReason } from './link-rows.js';
import { LocaleFilter, MemoryRowIndex } from './row-index.js';
import { compareSchemas, type SchemaReport } from './schemas.js';

export interface TypeCounts {
  rows: number;
  drafts: number;
  published: number;
  documents: Set<string>;
}

/** What an archive holds and what importing it would write, found by reading it once without writing. */
export interface ScanResult {
  /** Identifies the archive across runs (its metadata.json, which has its creation time, and its size). */
  archiveId: string;
  metadata: ArchiveMetadata;
  schemaLines: SchemaLine[];
  schemas: SchemaReport;
  /** The schema the scan mapped rows with (the app's, plus the archive's types with --schemas). */
  schema: Schema;
  /** Rows per type that would be written, and rows skipped per type (types the app does not define). */
  entities: Map<string, TypeCounts>;
  skippedEntities: Map<string, number>;
  otherLocales: number;
  links: { total: number; written: number; skipped: Map<SkipReason, number> };
  assets: { files: number; bytes: number };
  configuration: number;
  ignoredKeys: Map<string, Set<string>>;
  index: MemoryRowIndex;
  /** Items of each stage, for progress totals. */
  totals: { entities: number; assets: number; links: number };
}

export interface ScanOptions extends ArchiveOptions {
  /** The schema to map rows with, given the archive's schema lines (read first: they open the archive). */
  schemaFor(lines: SchemaLine[]): Schema;
  files: FileUrls;
  dialect: import('../../db/dialect.js').SqlDialect;
  progress: Progress;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks a line's shape before anything reads its fields. */
export function entityLine(value: Record<string, unknown>, at: LineRef): EntityLine {
  if (typeof value.type !== 'string' || typeof value.id !== 'number' || !isObject(value.data))
    throw new TransferError('an entity line needs a type, a numeric id and a data object', at);
  return value as unknown as EntityLine;
}

export function linkLine(value: Record<string, unknown>, at: LineRef): LinkLine {
  if (typeof value.kind !== 'string' || !isObject(value.left) || !isObject(value.right))
    throw new TransferError('a link line needs a kind, a left and a right side', at);
  return value as unknown as LinkLine;
}

/**
 * Reads the whole archive once, checking every line as the import would (JSON, shapes, every value mapped
 * to its column), so that a bad line is found before anything is written, and counting what would be.
 */
export async function scanArchive(file: string, options: ScanOptions): Promise<ScanResult> {
  const size = (await stat(file)).size;
  const schemaLines: SchemaLine[] = [];
  let schema: Schema | undefined;
  let rowsOf: EntityRows | undefined;
  let linksOf: LinkRows | undefined;
  let metadataText: string | undefined;
  const index = new MemoryRowIndex();
  const locales = new LocaleFilter();
  const result = {
    entities: new Map<string, TypeCounts>(),
    skippedEntities: new Map<string, number>(),
    links: { total: 0, written: 0, skipped: new Map<SkipReason, number>() },
    assets: { files: 0, bytes: 0 },
    configuration: 0,
    totals: { entities: 0, assets: 0, links: 0 },
  };
  const schemaNow = () => {
    if (!schema) {
      schema = options.schemaFor(schemaLines);
      rowsOf = new EntityRows(schema, options.dialect, options.files);
      linksOf = new LinkRows(schema, index);
    }
    return schema;
  };
  options.progress.start('checking');
  for await (const entry of readArchive(file, options)) {
    const stage = stageOf(entry.name);
    if (stage === 'metadata') {
      metadataText = (await buffer(entry.body)).toString('utf8');
      continue;
    }
    if (stage === 'schemas') {
      for await (const { value, file: name, line } of readJsonLines(entry.body, entry.name)) {
        if (typeof value.uid !== 'string' || !isObject(value.attributes))
          throw new TransferError('a schema line needs a uid and attributes', { file: name, line });
        schemaLines.push(value as unknown as SchemaLine);
      }
      continue;
    }
    if (stage === 'entities') {
      const current = schemaNow();
      for await (const { value, file: name, line } of readJsonLines(entry.body, entry.name)) {
        const at = { file: name, line };
        const entity = entityLine(value, at);
        result.totals.entities += 1;
        options.progress.advance();
        const type = current.contentTypes.get(entity.type);
        if (!type) {
          result.skippedEntities.set(entity.type, (result.skippedEntities.get(entity.type) ?? 0) + 1);
          continue;
        }
        const documentId = entity.data.documentId;
        const published = entity.data.publishedAt !== null && entity.data.publishedAt !== undefined;
        if (
          typeof documentId === 'string' &&
          locales.skips(type.uid, documentId, published, entity.data.locale, type.localized)
        )
          continue;
        const rows = rowsOf!.rows(type, entity, at);
        index.addDocumentRow(type.uid, entity.id, rows[0].values.document_id as string);
        for (const row of rows.slice(1)) index.addComponentRow(row.uid, row.values.id as number);
        let counts = result.entities.get(type.uid);
        if (!counts)
          result.entities.set(
            type.uid,
            (counts = { rows: 0, drafts: 0, published: 0, documents: new Set() }),
          );
        counts.rows += 1;
        if (published) counts.published += 1;
        else counts.drafts += 1;
        counts.documents.add(rows[0].values.document_id as string);
      }
      continue;
    }
    if (stage === 'links') {
      schemaNow();
      for await (const { value, file: name, line } of readJsonLines(entry.body, entry.name)) {
        const at = { file: name, line };
        const resolved = linksOf!.resolve(linkLine(value, at), at);
        result.links.total += 1;
        result.totals.links += 1;
        options.progress.advance();
        if (typeof resolved === 'string')
          result.links.skipped.set(resolved, (result.links.skipped.get(resolved) ?? 0) + 1);
        else result.links.written += 1;
      }
      continue;
    }
    if (stage === 'configuration') {
      for await (const _ of readJsonLines(entry.body, entry.name)) result.configuration += 1;
      continue;
    }
    if (stage === 'assets') {
      if (entry.name.startsWith(`${ASSET_UPLOADS_DIR}/`)) {
        const key = entry.name.slice(ASSET_UPLOADS_DIR.length + 1);
        if (!isStorageKey(key))
          throw new TransferError(
            `${entry.name}: "${key}" cannot be a storage key (letters, digits, _ and - then an extension)`,
          );
        result.assets.files += 1;
        result.assets.bytes += entry.size;
        result.totals.assets += 1;
      } else {
        const text = (await buffer(entry.body)).toString('utf8');
        try {
          JSON.parse(text);
        } catch (error) {
          throw new TransferError(`not valid JSON (${(error as Error).message})`, {
            file: entry.name,
            line: 1,
          });
        }
      }
    }
  }
  options.progress.end();
  if (metadataText === undefined)
    throw new TransferError(`${file} has no ${METADATA_FILE}: is it a file written by \`strapi export\`?`);
  let metadata: ArchiveMetadata;
  try {
    metadata = JSON.parse(metadataText) as ArchiveMetadata;
  } catch (error) {
    throw new TransferError(`not valid JSON (${(error as Error).message})`, { file: METADATA_FILE, line: 1 });
  }
  const major = Number.parseInt(metadata.strapi?.version ?? '', 10);
  if (major !== 5)
    throw new TransferError(
      `${file} was written by Strapi ${metadata.strapi?.version ?? '(unknown version)'}: only Strapi 5 archives can be imported (v4 has no documentIds)`,
    );
  const finalSchema = schemaNow();
  return {
    ...result,
    archiveId: createHash('sha256').update(metadataText).update(String(size)).digest('hex').slice(0, 32),
    metadata,
    schemaLines,
    schemas: compareSchemas(schemaLines, finalSchema),
    schema: finalSchema,
    otherLocales: locales.skipped,
    ignoredKeys: rowsOf!.ignoredKeys,
    index,
  };
}
