import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import type { PlanCache } from './query/plan-cache.js';
import type { ApiLimits } from './query/types.js';
import type { Schema } from './schema/registry.js';

/** Hashes password attributes; implemented above the core (auth/) and passed in. */
export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  verify(hash: string, plain: string): Promise<boolean>;
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
}
