import type { Database } from '../../db/types.js';
import { buildSchema, type StoredDefinition } from '../../core/schema/build.js';
import type { Schema } from '../../core/schema/registry.js';
import { applySchema } from '../../core/schema/sync.js';
import { SchemaError } from '../../core/schema/errors.js';
import { ROLE_UID, PERMISSION_UID } from '../../auth/users-permissions/schemas.js';
import type { FileStorage } from '../../media/storage/index.js';
import type { Algorithm } from '../archive/index.js';
import { TransferError } from '../errors.js';
import type { SchemaLine } from '../format.js';
import type { Progress } from '../progress.js';
import {
  clearCheckpoints,
  ensureCheckpointTables,
  readCheckpoint,
  unfinishedImports,
  writeCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import { scanArchive, type ScanResult } from './scan.js';
import { compareSchemas, definitionFromLine } from './schemas.js';
import { allContentTypes, clearTypes, existingDocuments } from './target.js';
import { orderLinks, writeArchive, type WriteResult } from './write.js';

export interface ImportOptions {
  file: string;
  key?: string;
  algorithm?: Algorithm;
  database: Database;
  /** The schema the database has (the app directory's, synced). */
  schema: Schema;
  storage: FileStorage;
  dryRun?: boolean;
  /** Replace the documents of a non-empty target. */
  force?: boolean;
  /** Create the archive's types that the app does not define, as database-owned types. */
  importSchemas?: boolean;
  batchSize?: number;
  progress: Progress;
  /**
   * Asked before replacing a non-empty target without --force (only given when a person can answer: the
   * CLI passes it when stdin is a terminal). Without it such a target is refused.
   */
  confirmReplace?: (documents: number) => Promise<boolean>;
  afterBatch?: (batches: number) => void;
}

export interface ImportSummary {
  scan: ScanResult;
  dryRun: boolean;
  /** The archive had been imported into this database before: nothing was done. */
  alreadyImported?: string;
  /** The import went on from an earlier run's checkpoint (items already written). */
  resumedFrom?: number;
  /** Documents the target held before (replaced with --force). */
  replaced?: number;
  written?: WriteResult;
  /** Types created from the archive's schemas (--schemas). */
  createdTypes: string[];
  seconds: number;
}

export const DEFAULT_BATCH_SIZE = 1000;

/**
 * `quorum import`: checks the whole archive first (nothing is written when a line is bad), decides
 * whether the target may take it (empty, or --force, or an unfinished import of this same archive to
 * resume), then writes it in checkpointed batches and orders the links. See README "Moving from Strapi".
 */
export async function importArchive(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { database } = options;
  const createdTypes: string[] = [];
  const scan = await scanArchive(options.file, {
    key: options.key,
    algorithm: options.algorithm,
    dialect: database.dialect,
    files: { url: (key) => options.storage.url(key), provider: options.storage.provider },
    progress: options.progress,
    schemaFor: (lines) => {
      if (!options.importSchemas) return options.schema;
      const added = missingDefinitions(lines, options.schema);
      createdTypes.push(...added.map((d) => d.uid));
      return withDefinitions(options.schema, added);
    },
  });
  // Reported against the app's own schema: with --schemas the scan's includes the types it would create.
  scan.schemas = compareSchemas(scan.schemaLines, options.schema);
  const summary: ImportSummary = { scan, dryRun: options.dryRun === true, createdTypes, seconds: 0 };
  const done = () => ({ ...summary, seconds: (Date.now() - started) / 1000 });

  if (!options.dryRun) await ensureCheckpointTables(database);
  const previous = await readCheckpoint(database.db, scan.archiveId).catch(() => undefined);
  if (previous?.phase === 'done') return { ...done(), alreadyImported: previous.startedAt };

  let checkpoint: Checkpoint | undefined = previous;
  if (!checkpoint) {
    const existing = await existingDocuments(database.db, options.schema);
    const documents = [...existing.values()].reduce((a, b) => a + b, 0);
    const others = await unfinishedImports(database.db).catch(() => []);
    if ((documents > 0 || others.length > 0) && !options.force && !options.dryRun) {
      const confirmed = documents > 0 && options.confirmReplace && (await options.confirmReplace(documents));
      if (!confirmed)
        throw new TransferError(
          others.length && !documents
            ? `another import (archive ${others[0].archiveId}) did not finish in this database: run it again to finish it, or pass --force to replace it with this one`
            : `the target is not empty: it holds ${documents} documents (${[...existing.keys()].join(', ')}); pass --force to replace them with the archive's`,
        );
    }
    summary.replaced = documents;
    if (options.dryRun) return done();
    if (createdTypes.length) await createTypes(database, scan.schemaLines, createdTypes);
    // Roles and permissions are replaced by the archive's (the target's are only the bootstrapped ones);
    // with --force every content type is.
    const replaced = documents > 0 || others.length > 0 ? allContentTypes(scan.schema) : bootstrappedIn(scan);
    checkpoint = {
      archiveId: scan.archiveId,
      position: 0,
      phase: 'streaming',
      startedAt: new Date().toISOString(),
    };
    const first = checkpoint;
    await database.transaction(async (trx) => {
      await clearTypes(trx, scan.schema, replaced);
      await clearCheckpoints(trx);
      await writeCheckpoint(trx, first);
    });
  } else {
    if (options.dryRun) return { ...done(), resumedFrom: checkpoint.position };
    summary.resumedFrom = checkpoint.position;
    if (createdTypes.length) await createTypes(database, scan.schemaLines, createdTypes);
  }

  if (checkpoint.phase === 'streaming') {
    summary.written = await writeArchive(options.file, {
      key: options.key,
      algorithm: options.algorithm,
      database,
      schema: scan.schema,
      scan,
      storage: options.storage,
      files: { url: (key) => options.storage.url(key), provider: options.storage.provider },
      checkpoint,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      progress: options.progress,
      afterBatch: options.afterBatch,
    });
    checkpoint = {
      ...checkpoint,
      position: scan.totals.entities + scan.totals.assets + scan.totals.links,
      phase: 'ordering',
    };
    const ordering = checkpoint;
    await database.transaction((trx) => writeCheckpoint(trx, ordering));
  }
  await orderLinks(database, scan.schema, options.progress);
  const final = { ...checkpoint, phase: 'done' as const };
  await database.transaction((trx) => writeCheckpoint(trx, final));
  return done();
}

/** The bootstrapped types (roles, permissions) the archive brings rows of. */
function bootstrappedIn(scan: ScanResult): Set<string> {
  return new Set([ROLE_UID, PERMISSION_UID].filter((uid) => scan.entities.has(uid)));
}

/** Definitions of the archive's types and components that the app does not define (Strapi's own left out). */
function missingDefinitions(lines: readonly SchemaLine[], schema: Schema): StoredDefinition[] {
  return lines
    .filter((line) => !schema.contentTypes.has(line.uid) && !schema.components.has(line.uid))
    .filter((line) => !/^(admin::|plugin::)/.test(line.uid))
    .map(definitionFromLine);
}

function currentDefinitions(schema: Schema): StoredDefinition[] {
  return [...schema.models()].map((model) => ({
    uid: model.uid,
    modelType: model.modelType,
    definition: model.definition,
    source: model.source,
  }));
}

/** The schema with the archive's types added, checked as the registry checks any definition. */
function withDefinitions(schema: Schema, added: readonly StoredDefinition[]): Schema {
  if (!added.length) return schema;
  try {
    return buildSchema([...currentDefinitions(schema), ...added], schema.version + 1);
  } catch (error) {
    if (error instanceof SchemaError)
      throw new TransferError(
        `the archive's schemas cannot be created as they are (--schemas): ${error.message}`,
      );
    throw error;
  }
}

/** Stores the archive's types as database-owned ones, as the content-type builder does, and makes their tables. */
async function createTypes(
  database: Database,
  lines: readonly SchemaLine[],
  uids: readonly string[],
): Promise<void> {
  const wanted = new Set(uids);
  const added = lines.filter((line) => wanted.has(line.uid)).map(definitionFromLine);
  await applySchema(database, (stored) => [
    ...stored,
    ...added.filter((definition) => !stored.some((s) => s.uid === definition.uid)),
  ]);
}
