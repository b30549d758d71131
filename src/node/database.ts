import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { connectDatabase } from '../db/connect.js';
import { lockSchema } from '../db/lock.js';
import { applySystemMigrations } from '../db/system/apply.js';
import type { Database, Executor } from '../db/types.js';
import { seedLocales } from '../core/locales/store.js';
import type { SchemaFile } from '../core/schema/load-files.js';
import { appSchemaFiles } from './schema-files.js';
import { loadStoredSchema } from '../core/schema/store.js';
import {
  SchemaChangeRefusedError,
  syncSchema,
  type SyncOptions,
  type SyncResult,
} from '../core/schema/sync.js';

export interface OpenOptions extends SyncOptions {
  /**
   * For commands that do not serve content (tokens): when the app directory holds destructive changes
   * that need `schema apply --allow-destructive`, bring only Quorum's own tables up and go on with the
   * schema the database has, instead of refusing to run.
   */
  tolerateRefusedChanges?: boolean;
}

/**
 * Opens the configured database and brings it up to date with the app directory (Quorum's own tables,
 * then the content types), under the schema lock. Every command starts here, so each works on a fresh
 * database and next to running nodes.
 */
export async function openDatabase(
  config: QuorumConfig,
  logger: Logger,
  options: OpenOptions = {},
): Promise<{ database: Database; sync: SyncResult; files: SchemaFile[] }> {
  const files = appSchemaFiles(config.appDir);
  const database = await connectDatabase(config, logger);
  try {
    let createdLocales: string[] = [];
    const seed = async (trx: Executor) => {
      createdLocales = await seedLocales(trx, config.i18n);
    };
    const sync = await syncSchema(database, files, { ...options, beforeContent: seed }).catch(
      async (err: unknown) => {
        if (!(err instanceof SchemaChangeRefusedError) || !options.tolerateRefusedChanges) throw err;
        logger.warn(
          { pending: err.steps.map((step) => step.description) },
          'destructive schema changes are pending; content tables left as they are',
        );
        const systemMigrations = await database.transaction(async (trx) => {
          await lockSchema(database.dialect, trx);
          const applied = await applySystemMigrations(trx, database.dialect);
          await seed(trx);
          return applied;
        });
        return {
          schema: await loadStoredSchema(database.db, database.dialect),
          steps: [],
          changed: false,
          systemMigrations,
        };
      },
    );
    // A dry run rolls everything back, system migrations included: nothing was applied.
    if (!options.dryRun) {
      for (const name of sync.systemMigrations) logger.info({ migration: name }, 'applied system migration');
      if (createdLocales.length) logger.info({ locales: createdLocales }, 'created the configured locales');
      for (const step of sync.steps) logger.info({ step: step.description }, 'applied schema change');
    }
    return { database, sync, files };
  } catch (err) {
    await database.close();
    throw err;
  }
}
