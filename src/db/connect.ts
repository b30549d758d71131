import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { connectPostgres } from './postgres/connect.js';
import { connectSqlite } from './sqlite/connect.js';
import type { Database } from './types.js';

/** Opens the database the configuration names. */
export async function connectDatabase(config: QuorumConfig, logger?: Logger): Promise<Database> {
  if (config.database.kind === 'sqlite') return connectSqlite(config.database.sqlitePath!);
  return connectPostgres({ url: config.database.url, poolMax: config.database.pool.max, logger });
}
