import { sql } from 'kysely';
import type { Database, Executor } from '../../db/types.js';
import type { Schema } from '../../core/schema/registry.js';
import type { FileStorage } from '../../media/storage/index.js';
import { extensionOf, mimeOfExtension, OCTET_STREAM } from '../../media/mime.js';
import { buffer } from 'node:stream/consumers';
import { readArchive, readJsonLines, type ArchiveOptions } from '../archive/index.js';
import { ASSET_METADATA_DIR, ASSET_UPLOADS_DIR, stageOf } from '../format.js';
import type { Progress } from '../progress.js';
import { LINK_POSITIONS, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { EntityRows, type FileUrls, type PlannedRow } from './entity-rows.js';
import { LinkRows, type PlannedLink } from './link-rows.js';
import { LocaleFilter } from './row-index.js';
import { entityLine, linkLine, type ScanResult } from './scan.js';
import { advanceSequences } from './target.js';

export interface WriteOptions extends ArchiveOptions {
  database: Database;
  schema: Schema;
  scan: ScanResult;
  storage: FileStorage;
  files: FileUrls;
  checkpoint: Checkpoint;
  /** Entity lines (or link lines, or files) per transaction. */
  batchSize: number;
  progress: Progress;
  /** After each committed batch (the test hook that kills the process mid-import uses it). */
  afterBatch?: (batches: number) => void;
}

/** What the writing pass did. */
export interface WriteResult {
  rows: number;
  links: number;
  files: number;
  batches: number;
  resumedFrom: number;
}

// Bound parameters per statement: under SQLite's 32766 and PostgreSQL's 65535.
const MAX_PARAMETERS = 30_000;

/**
 * The writing pass: reads the archive again in order and writes it in batches, each batch (rows of up to
 * `batchSize` entity lines, or that many links, or files) one transaction that also moves the checkpoint.
 * Items up to the checkpoint's position are skipped, so a killed import resumes where its last batch
 * committed. Files go into the storage as they come (a put is idempotent, so one repeated after a kill is
 * harmless) and are counted by the next batch's checkpoint.
 */
export async function writeArchive(file: string, options: WriteOptions): Promise<WriteResult> {
  const { database, schema, scan } = options;
  const rowsOf = new EntityRows(schema, database.dialect, options.files);
  const linksOf = new LinkRows(schema, scan.index);
  const locales = new LocaleFilter();
  const checkpoint = { ...options.checkpoint };
  const resumedFrom = checkpoint.position;
  let position = 0;
  let pendingItems = 0;
  let pendingRows: PlannedRow[] = [];
  let pendingLinks: PlannedLink[] = [];
  const result: WriteResult = { rows: 0, links: 0, files: 0, batches: 0, resumedFrom };

  const flush = async () => {
    if (pendingItems === 0) return;
    const rows = pendingRows;
    const links = pendingLinks;
    await database.transaction(async (trx) => {
      await insertRows(trx, rows);
      await insertLinks(trx, links);
      await writeCheckpoint(trx, { ...checkpoint, position, phase: 'streaming' });
    });
    result.rows += rows.length;
    result.links += links.length;
    pendingRows = [];
    pendingLinks = [];
    pendingItems = 0;
    result.batches += 1;
    options.afterBatch?.(result.batches);
  };

  /** Counts one item; true when it is past the checkpoint (to be written). */
  const next = () => {
    position += 1;
    return position > resumedFrom;
  };

  let current = '';
  const stageStarted = (stage: string, total: number) => {
    if (current === stage) return;
    current = stage;
    options.progress.start(stage, total);
  };

  // Each upload's sidecar (assets/metadata/<key>.json) comes just before it and names its mime type.
  const mimes = new Map<string, string>();

  for await (const entry of readArchive(file, options)) {
    const stage = stageOf(entry.name);
    if (stage === 'assets' && entry.name.startsWith(`${ASSET_METADATA_DIR}/`)) {
      const meta = JSON.parse((await buffer(entry.body)).toString('utf8')) as { mime?: unknown };
      if (typeof meta.mime === 'string')
        mimes.set(entry.name.slice(ASSET_METADATA_DIR.length + 1).replace(/\.json$/, ''), meta.mime);
    } else if (stage === 'entities') {
      stageStarted('entities', scan.totals.entities);
      for await (const { value, file: name, line } of readJsonLines(entry.body, entry.name)) {
        const at = { file: name, line };
        const entity = entityLine(value, at);
        if (!next()) {
          // Skipped rows still make the same locale decisions as when they were written.
          const documentId = entity.data.documentId;
          const published = entity.data.publishedAt !== null && entity.data.publishedAt !== undefined;
          if (typeof documentId === 'string')
            locales.skips(
              entity.type,
              documentId,
              published,
              entity.data.locale,
              schema.contentTypes.get(entity.type)?.localized,
            );
          continue;
        }
        options.progress.advance();
        const type = schema.contentTypes.get(entity.type);
        if (type) {
          const documentId = entity.data.documentId;
          const published = entity.data.publishedAt !== null && entity.data.publishedAt !== undefined;
          if (!(
            typeof documentId === 'string' &&
            locales.skips(type.uid, documentId, published, entity.data.locale, type.localized)
          ))
            pendingRows.push(...rowsOf.rows(type, entity, at));
        }
        pendingItems += 1;
        if (pendingItems >= options.batchSize) await flush();
      }
    } else if (stage === 'assets' && entry.name.startsWith(`${ASSET_UPLOADS_DIR}/`)) {
      stageStarted('assets', scan.totals.assets);
      if (!next()) continue;
      const key = entry.name.slice(ASSET_UPLOADS_DIR.length + 1);
      // The scan checked the key.
      const contentType = mimes.get(key) ?? mimeOfExtension(extensionOf(key)) ?? OCTET_STREAM;
      mimes.delete(key);
      await options.storage.put(key, entry.body, { contentType, size: entry.size });
      options.progress.advance();
      result.files += 1;
      pendingItems += 1;
      if (pendingItems >= Math.max(1, Math.ceil(options.batchSize / 20))) await flush();
    } else if (stage === 'links') {
      stageStarted('links', scan.totals.links);
      for await (const { value, file: name, line } of readJsonLines(entry.body, entry.name)) {
        if (!next()) continue;
        const at = { file: name, line };
        const resolved = linksOf.resolve(linkLine(value, at), at);
        if (typeof resolved !== 'string') pendingLinks.push(resolved);
        options.progress.advance();
        pendingItems += 1;
        if (pendingItems >= options.batchSize) await flush();
      }
    }
  }
  await flush();
  options.progress.end();
  return result;
}

/** Rows grouped per table, each group in multi-row inserts as large as the parameter limit allows. */
async function insertRows(trx: Executor, rows: readonly PlannedRow[]): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    let list = byTable.get(row.table);
    if (!list) byTable.set(row.table, (list = []));
    list.push(row.values);
  }
  for (const [table, list] of byTable) {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(list[0]).length));
    for (let i = 0; i < list.length; i += perStatement)
      await trx
        .insertInto(table)
        .values(list.slice(i, i + perStatement))
        .execute();
  }
}

/**
 * Links with a provisional order (0); Strapi's positions wait beside them until `orderLinks`. A link
 * already there (a repeated relation in the archive) is kept once.
 */
async function insertLinks(trx: Executor, links: readonly PlannedLink[]): Promise<void> {
  const byTable = new Map<string, PlannedLink[]>();
  for (const link of links) {
    let list = byTable.get(link.table);
    if (!list) byTable.set(link.table, (list = []));
    list.push(link);
  }
  const perStatement = Math.floor(MAX_PARAMETERS / 5);
  for (const [table, list] of byTable) {
    for (let i = 0; i < list.length; i += perStatement) {
      const chunk = list.slice(i, i + perStatement);
      await trx
        .insertInto(table)
        .values(
          chunk.map((l) => ({
            source_id: l.sourceId,
            target_document_id: l.targetDocumentId,
            source_ord: 0,
            target_ord: 0,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx
        .insertInto(LINK_POSITIONS)
        .values(
          chunk.map((l) => ({
            link_table: table,
            source_id: l.sourceId,
            target_document_id: l.targetDocumentId,
            source_pos: l.sourcePos,
            target_pos: l.targetPos,
          })),
        )
        .execute();
    }
  }
}

/**
 * Turns Strapi's positions (1-based, possibly fractional after reordering, absent on unordered sides)
 * into Quorum's orders (0, 1, 2, … per owner row, and per target document for the inverse side), one
 * link table per transaction (progress counts tables); then moves PostgreSQL's sequences past the
 * imported ids.
 */
export async function orderLinks(database: Database, schema: Schema, progress: Progress): Promise<void> {
  const tables = await database.db.selectFrom(LINK_POSITIONS).select('link_table').distinct().execute();
  progress.start('ordering links', tables.length);
  // Unordered sides sort last, then by the other key, so orders are deterministic.
  const last = sql.raw('1e300');
  for (const { link_table: name } of tables) {
    const table = sql.table(String(name));
    await database.transaction(async (trx) => {
      // Each side's order: rows of one owner (source) or one target, by Strapi's position on that side.
      const order = (column: string, side: string, pos: string, other: string) =>
        sql`update ${table} set ${sql.ref(column)} = r.ord from (
            select source_id, target_document_id,
              row_number() over (partition by ${sql.ref(side)} order by coalesce(${sql.ref(pos)}, ${last}), ${sql.ref(other)}) - 1 as ord
            from ${sql.table(LINK_POSITIONS)} where link_table = ${name}) r
          where ${table}.source_id = r.source_id and ${table}.target_document_id = r.target_document_id`.execute(
          trx,
        );
      await order('source_ord', 'source_id', 'source_pos', 'target_document_id');
      await order('target_ord', 'target_document_id', 'target_pos', 'source_id');
      await trx.deleteFrom(LINK_POSITIONS).where('link_table', '=', name).execute();
    });
    progress.advance();
  }
  progress.end();
  await advanceSequences(database, [
    ...[...schema.contentTypes.values()].map((t) => t.tableName),
    ...[...schema.components.values()].map((c) => c.tableName),
  ]);
}
