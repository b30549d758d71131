import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { LocaleStore, seedLocales } from '../core/locales/store.js';
import { withSchemaLock } from '../db/lock.js';
import type { Database } from '../db/types.js';

/**
 * The locale store, after the configured locales were seeded under the schema lock (once, however many
 * nodes start together; see seedLocales for what configuration changes and what it leaves alone).
 */
export async function buildLocales(
  config: QuorumConfig,
  database: Database,
  logger: Logger,
): Promise<LocaleStore> {
  const created = await withSchemaLock(database, (trx) => seedLocales(trx, config.i18n));
  if (created.length) logger.info({ locales: created }, 'created the configured locales');
  return new LocaleStore(database);
}
