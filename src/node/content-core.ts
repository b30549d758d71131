import type { Logger } from 'pino';
import { argon2Passwords } from '../auth/passwords.js';
import { ResponseCache } from '../cache/response-cache.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { CountCache } from '../core/query/count-cache.js';
import { PlanCache } from '../core/query/plan-cache.js';
import type { Schema } from '../core/schema/registry.js';
import type { Database } from '../db/types.js';
import { readDefaultLocale } from '../core/schema/default-locale.js';

/** What every document operation of the node runs with, and the answers the node caches from them. */
export interface ContentCore {
  readonly core: CoreContext;
  /** Content-API read answers kept in memory; undefined when `cache.responses` is off. */
  readonly responses: ResponseCache | undefined;
  /**
   * Locales changed, here or on another node: reads the default locale again and retires every cached
   * answer and total (a new default changes what reads without `locale` mean; a deleted locale took
   * content with it). `retire: false` (the periodic resync) retires them only when the default changed.
   */
  localesChanged(retire?: boolean): Promise<void>;
  /** Makes `schema` the node's current schema (reloaded after another node's change, or changed here). */
  useSchema(schema: Schema): void;
  /** Where the node's writes are announced to the others, once the bus is up (node/announcements.ts). */
  announceWith(announce: (uids: readonly string[]) => void): void;
}

/** The node's CoreContext on `database`, starting from the schema the start-up sync left. */
export async function buildContentCore(
  config: QuorumConfig,
  database: Database,
  schema: Schema,
  logger: Logger,
): Promise<ContentCore> {
  let current = schema;
  // Seeded with the schema (openDatabase), so it exists; the configured one only stands in for a database
  // opened by a dry run, which seeds nothing.
  let defaultLocale = (await readDefaultLocale(database.db)) ?? config.i18n.defaultLocale;
  // Writes retire cached totals and answers here at once and, announced (coalesced) on the bus, on
  // other nodes.
  const responses = responseCache(config);
  let announceContentChange: (uids: readonly string[]) => void = () => {};
  const core: CoreContext = {
    database,
    schema: () => current,
    limits: config.api.rest,
    plans: new PlanCache(),
    passwords: argon2Passwords,
    logger,
    defaultLocale: () => defaultLocale,
    counts: new CountCache(config.api.rest.countCacheTtlMs),
    onContentChanged: (uids) => {
      responses?.changed(uids);
      announceContentChange(uids);
    },
  };
  return {
    core,
    responses,
    async localesChanged(retire = true) {
      const next = (await readDefaultLocale(database.db)) ?? config.i18n.defaultLocale;
      const changed = next !== defaultLocale;
      // Plans are keyed by the default locale they read (documents/find.ts); answers and totals are not.
      if (retire || changed) {
        responses?.changedAll();
        core.counts?.changed();
      }
      if (!changed) return;
      defaultLocale = next;
      logger.info({ defaultLocale: next }, 'default locale changed');
    },
    useSchema(next) {
      current = next;
    },
    announceWith(announce) {
      announceContentChange = announce;
    },
  };
}

/** The node's response cache, or undefined when it is off (by default it is on with SQLite only). */
function responseCache(config: QuorumConfig): ResponseCache | undefined {
  const { enabled, ttlMs, maxMb } = config.cache.responses;
  if (!(enabled ?? config.database.kind === 'sqlite')) return undefined;
  return new ResponseCache({ ttlMs, maxBytes: maxMb * 1024 * 1024 });
}
