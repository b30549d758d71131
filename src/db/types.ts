import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../config/index.js';
import type { SqlDialect } from './dialect.js';

/**
 * How a value is stored, independent of the content-type attribute that owns it. Several attribute
 * types share one storage (string, email, uid, enumeration are all `text`), so a retype inside one
 * storage class needs no data migration.
 */
export type Storage =
  'text' | 'integer' | 'bigint' | 'float' | 'decimal' | 'boolean' | 'date' | 'time' | 'datetime' | 'json';

/**
 * Content tables are created at runtime from schemas, so their row types are only known at runtime:
 * queries run through an untyped Kysely instance (a transaction is one too).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Executor = Kysely<any>;

/** One executed statement, as observed by query listeners (metrics, tests counting statements). */
export interface QueryEvent {
  readonly sql: string;
  readonly durationMs: number;
  readonly failed: boolean;
}

export interface Database {
  readonly kind: DatabaseKind;
  /** Subscribes to every executed statement; returns the unsubscribe function. */
  onQuery(listener: (event: QueryEvent) => void): () => void;
  readonly db: Executor;
  readonly dialect: SqlDialect;
  /** Runs `fn` in a transaction; on SQLite it takes the write lock at BEGIN so it cannot deadlock later. */
  transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T>;
  /** Cheap liveness probe for readiness checks. */
  ping(): Promise<void>;
  /** Connection-pool usage, for metrics; absent where there is no pool (SQLite). */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}
