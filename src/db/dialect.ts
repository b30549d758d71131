import type { AliasedRawBuilder, Expression, RawBuilder, SqlBool } from 'kysely';
import type { DatabaseKind } from '../config/index.js';
import type { Executor, Storage } from './types.js';

export type MatchMode = 'contains' | 'startsWith' | 'endsWith';

/**
 * Stands for a list parameter in a query compiled once and run many times with different lists:
 * compiled plans keep it in their parameters, and `bindList` swaps in the real list before running.
 */
export const LIST_PLACEHOLDER: readonly never[] = Object.freeze([]);
export type ListValues = readonly (number | string)[] | typeof LIST_PLACEHOLDER;

/**
 * What differs between SQLite and PostgreSQL, as small primitives: code above the database layer never
 * writes dialect-specific SQL. What is built on top of them — the case-folded comparisons, binding a
 * list into a compiled query (dialect-helpers.ts), the schema lock (lock.ts) — is written once, there.
 */
export interface SqlDialect {
  readonly kind: DatabaseKind;

  // DDL
  /** Column type for DDL. */
  columnType(storage: Storage): string;
  /** DDL for the auto-increment integer primary key column named `id`. */
  readonly idColumnDefinition: string;
  /** What makes an index column sort NULLs first ('' where that is the default). */
  readonly nullsFirstInIndex: string;

  // Values, in and out
  /** A normalized JS value (see core/schema/values) to a parameter the driver accepts. */
  toDb(storage: Storage, value: unknown): unknown;
  /** A value read from a row to its JS form (ISO strings for datetimes, numbers, booleans, parsed JSON). */
  fromDb(storage: Storage, value: unknown): unknown;
  /** Storages whose values the driver already returns in their JS form: fromDb is the identity for them. */
  readonly readsAsIs: ReadonlySet<Storage>;
  /** The select-list expression for a column, aliased (some storages need a cast to read losslessly). */
  selectColumn(
    table: string,
    column: string,
    storage: Storage,
    alias: string,
  ): AliasedRawBuilder<unknown, string>;

  // Expressions
  /** Lower-cases with full Unicode rules, identical to JavaScript's String#toLowerCase. */
  lower(expr: Expression<unknown>): RawBuilder<string>;
  /** Case-sensitive literal substring/prefix/suffix match: `%`, `_`, `\`, `*`, `?`, `[` match themselves. */
  match(expr: Expression<unknown>, mode: MatchMode, value: string): RawBuilder<SqlBool>;
  /** Faster equivalent forms of the case-folded comparisons, where the database has them. */
  readonly folded?: FoldedComparisons;
  /**
   * `expr IN (values)` with the whole list bound as ONE parameter (a JSON array on SQLite, an array on
   * PostgreSQL): the SQL text does not depend on the list's length, so statements stay cached and a
   * batch of any size is one query.
   */
  inList(expr: Expression<unknown>, values: ListValues, kind: 'integer' | 'text'): RawBuilder<SqlBool>;
  /** The driver parameter for a list bound by inList (to fill a LIST_PLACEHOLDER at run time). */
  listParam(values: readonly (number | string)[]): unknown;
  /**
   * The database's clock, in the form datetime columns store, optionally `offsetMs` ahead. Leases and
   * heartbeats use it so that nodes with skewed clocks still agree on who holds what.
   */
  now(offsetMs?: number): RawBuilder<string>;
  /**
   * Appended to an uncorrelated subquery so the planner computes it once as a set rather than merging
   * it into the outer query (PostgreSQL: `offset 0`; SQLite already evaluates such sets once).
   */
  readonly setFence: RawBuilder<unknown>;

  // Transactions
  /** Serializes concurrent schema work across processes for the rest of the transaction `trx`. */
  schemaLock(trx: Executor): Promise<void>;
  /** No statement time limit (`database.statementTimeoutMs`) for the rest of the transaction `trx`. */
  liftStatementTimeout(trx: Executor): Promise<void>;

  /** JSON written by the database itself; absent where the dialect does not offer it (reads then stringify). */
  readonly json?: JsonRendering;
}

/**
 * Case-insensitive (full Unicode folding, as String#toLowerCase) equality and match, `value` already
 * lower-cased, in a form faster than comparing `lower(expr)`; undefined where none applies.
 */
export interface FoldedComparisons {
  equals(expr: Expression<unknown>, value: string): RawBuilder<SqlBool> | undefined;
  match(expr: Expression<unknown>, mode: MatchMode, value: string): RawBuilder<SqlBool> | undefined;
}

/**
 * Documents rendered as JSON text by the database (see core/query/render.ts): the text must parse to
 * exactly what JSON.stringify of the JS document (fromDb of every column) would give, or the dialect
 * must decline the storage.
 */
export interface JsonRendering {
  /** The JSON value of a column of `storage`, or undefined where the database cannot write it exactly. */
  value(column: Expression<unknown>, storage: Storage): Expression<unknown> | undefined;
  /** A JSON object of these keys (in this order) and values, as text. */
  object(entries: readonly (readonly [key: string, value: Expression<unknown>])[]): RawBuilder<string>;
  /** How many entries one `object` may hold (function argument limits). */
  readonly maxEntries: number;
  /** Rendered documents kept in the rows themselves, where the database can maintain them. */
  readonly stored?: StoredRendering;
}

/**
 * Columns of a content-type row holding its default document rendered as JSON without the closing
 * brace (so joined relations can be appended as text), and the shape it was rendered in. A reader uses
 * the text only when the shape is the one it would render itself.
 */
export const RENDERED_JSON_COLUMN = 'quorum_json';
export const RENDERED_SHAPE_COLUMN = 'quorum_shape';

/**
 * Keeps every row's rendered document current with triggers, so no write path (the core's, a data
 * migration's, the CLI's) can leave one stale.
 */
export interface StoredRendering {
  /**
   * Drops every rendering trigger: schema changes run without them, and `install` puts them back.
   * Returns the shape each table's triggers were keeping (table name → shape).
   */
  dropTriggers(trx: Executor): Promise<ReadonlyMap<string, string>>;
  /**
   * Adds the columns if missing, renders the rows whose shape is not `shape`, and installs triggers
   * that render a row whenever it is inserted or one of `columns` changes. `render(alias)` is the
   * parameter-free expression of a row's open document text, its columns read through `alias`.
   */
  install(
    trx: Executor,
    spec: {
      table: string;
      shape: string;
      /** The shape the dropped triggers kept, if any: when it is `shape`, no row needs rendering. */
      keptShape: string | undefined;
      columns: readonly string[];
      render: (alias: string) => Expression<string>;
    },
  ): Promise<void>;
}
