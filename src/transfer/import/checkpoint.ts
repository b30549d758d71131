import { sql } from 'kysely';
import type { Database, Executor } from '../../db/types.js';

/**
 * Where an import stands, one row per archive (`quorum_import_checkpoints`): how many items of the
 * archive (entity lines, uploaded files, link lines, in archive order) are written, and the phase. It is
 * updated in the transaction that writes each batch, so after a kill the rows and the checkpoint agree,
 * and running the same command again skips exactly what is in. Links' Strapi positions wait in
 * `quorum_import_link_positions` until every link is in, when they become Quorum's orders.
 */
export const CHECKPOINTS = 'quorum_import_checkpoints';
export const LINK_POSITIONS = 'quorum_import_link_positions';

export type Phase = 'streaming' | 'ordering' | 'done';

export interface Checkpoint {
  archiveId: string;
  position: number;
  phase: Phase;
  startedAt: string;
}

/** Creates the two tables when missing (an import's own bookkeeping, outside the schema registry). */
export async function ensureCheckpointTables(database: Database): Promise<void> {
  const floatType = database.dialect.columnType('float');
  await database.db.schema
    .createTable(CHECKPOINTS)
    .ifNotExists()
    .addColumn('archive_id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await database.db.schema
    .createTable(LINK_POSITIONS)
    .ifNotExists()
    .addColumn('link_table', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('target_document_id', 'text', (c) => c.notNull())
    .addColumn('source_pos', sql.raw(floatType))
    .addColumn('target_pos', sql.raw(floatType))
    .execute();
  await database.db.schema
    .createIndex(`${LINK_POSITIONS}_idx`)
    .ifNotExists()
    .on(LINK_POSITIONS)
    .columns(['link_table', 'source_id'])
    .execute();
}

export async function readCheckpoint(db: Executor, archiveId: string): Promise<Checkpoint | undefined> {
  const row = await db
    .selectFrom(CHECKPOINTS)
    .select(['archive_id', 'position', 'phase', 'started_at'])
    .where('archive_id', '=', archiveId)
    .executeTakeFirst();
  return row
    ? {
        archiveId,
        position: Number(row.position),
        phase: row.phase as Phase,
        startedAt: String(row.started_at),
      }
    : undefined;
}

/** Any import that has not finished (another archive's, when this one is new). */
export async function unfinishedImports(db: Executor): Promise<Checkpoint[]> {
  const rows = await db
    .selectFrom(CHECKPOINTS)
    .select(['archive_id', 'position', 'phase', 'started_at'])
    .where('phase', '<>', 'done')
    .execute();
  return rows.map((row) => ({
    archiveId: String(row.archive_id),
    position: Number(row.position),
    phase: row.phase as Phase,
    startedAt: String(row.started_at),
  }));
}

export async function writeCheckpoint(trx: Executor, checkpoint: Checkpoint): Promise<void> {
  const now = new Date().toISOString();
  await trx.deleteFrom(CHECKPOINTS).where('archive_id', '=', checkpoint.archiveId).execute();
  await trx
    .insertInto(CHECKPOINTS)
    .values({
      archive_id: checkpoint.archiveId,
      position: checkpoint.position,
      phase: checkpoint.phase,
      started_at: checkpoint.startedAt,
      updated_at: now,
    })
    .execute();
}

export async function clearCheckpoints(trx: Executor): Promise<void> {
  await trx.deleteFrom(CHECKPOINTS).execute();
  await trx.deleteFrom(LINK_POSITIONS).execute();
}
