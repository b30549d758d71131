import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { connectDatabase } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { loadSchemaFiles } from '../core/schema/load-files.js';
import { syncSchema, type SyncOptions, type SyncResult } from '../core/schema/sync.js';

/**
 * Opens the configured database and brings it up to date with the app directory (Quorum's own tables,
 * then the content types), under the schema lock. Every command starts here, so each works on a fresh
 * database and next to running nodes.
 */
export async function openDatabase(
  config: QuorumConfig,
  logger: Logger,
  options: SyncOptions = {},
): Promise<{ database: Database; sync: SyncResult }> {
  const files = loadSchemaFiles(config.appDir);
  const database = await connectDatabase(config, logger);
  try {
    const sync = await syncSchema(database, files, options);
    for (const name of sync.systemMigrations) logger.info({ migration: name }, 'applied system migration');
    if (!options.dryRun)
      for (const step of sync.steps) logger.info({ step: step.description }, 'applied schema change');
    return { database, sync };
  } catch (err) {
    await database.close();
    throw err;
  }
}
