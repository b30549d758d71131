import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import type { Database } from './types.js';

/** Opens the database the configuration names; only that database's driver is loaded. */
export async function connectDatabase(config: QuorumConfig, logger?: Logger): Promise<Database> {
  if (config.database.kind === 'sqlite') {
    const { connectSqlite } = await import('./sqlite/connect.js');
    return connectSqlite(config.database.sqlitePath!, {
      statementTimeoutMs: config.database.statementTimeoutMs,
      logger,
    });
  }
  const { connectPostgres } = await import('./postgres/connect.js');
  return connectPostgres({
    url: config.database.url,
    poolMax: config.database.pool.max,
    statementTimeoutMs: config.database.statementTimeoutMs,
    logger,
  });
}
