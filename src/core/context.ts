import type { Logger } from 'pino';
import type { Database, Executor } from '../db/types.js';
import type { PlanCache } from './query/plan-cache.js';
import type { CountCache } from './query/count-cache.js';
import type { ApiLimits } from './query/types.js';
import type { Schema } from './schema/registry.js';

/** Hashes password attributes; implemented above the core (auth/) and passed in. */
export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  verify(hash: string, plain: string): Promise<boolean>;
  /**
   * Whether a hash that `verify` accepted is of an older scheme (e.g. Strapi's bcrypt) that a login
   * should replace with a fresh `hash` of the password it just verified.
   */
  needsRehash(hash: string): boolean;
}

/**
 * What core operations need, passed explicitly (no global container). One per node; the schema
 * accessor returns the current snapshot, which a schema change replaces.
 */
export interface CoreContext {
  readonly database: Database;
  schema(): Schema;
  readonly limits: ApiLimits;
  readonly plans: PlanCache;
  readonly passwords: PasswordHasher;
  readonly logger: Logger;
  /**
   * The default locale's code, as this node last read it (a change made through any node reaches every
   * node through the bus, `locales.changed`). Read on every request that addresses a localized type
   * without `locale`, so it is kept in memory rather than read from the database each time.
   */
  defaultLocale(): string;
  /** Pagination totals; writes retire them (see CountCache). Absent: totals are always counted. */
  readonly counts?: CountCache;
  /**
   * Called after every committed content write, with the uids of the types written (the node retires
   * cached answers that read them and announces the write to the cluster).
   */
  readonly onContentChanged?: (uids: readonly string[]) => void;
}

/**
 * The same context running every operation inside the transaction `trx` (operations that open their own
 * transaction join this one instead): for work that must be atomic with other writes, or that runs
 * under a lock held by `trx`.
 */
export function inTransaction(ctx: CoreContext, trx: Executor): CoreContext {
  return { ...ctx, database: { ...ctx.database, db: trx, transaction: (fn) => fn(trx) } };
}
