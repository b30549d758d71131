import { sql } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Executor, Storage } from './types.js';

/** A table as the schema layer wants it, in database terms only (no content-type knowledge). */
export interface ColumnSpec {
  readonly name: string;
  readonly storage: Storage;
  readonly notNull?: boolean;
  /** A foreign key to another table's id; rows here go when the referenced row goes. */
  readonly references?: { readonly table: string; readonly onDelete: 'cascade' };
}

export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique?: boolean;
  /**
   * A column that sorts NULLs first (the default on SQLite; explicit on PostgreSQL): `true` for the first
   * column, or the name of another (one after an equality prefix such as `locale`).
   */
  readonly nullsFirst?: boolean | string;
  /** Partial index: only rows where `column` is (or is not) null. */
  readonly where?: { readonly column: string; readonly isNull: boolean };
}

export interface TableSpec {
  readonly name: string;
  /** Columns other than the integer primary key `id`, which every table has. */
  readonly columns: readonly ColumnSpec[];
  readonly indexes: readonly IndexSpec[];
}

const id = (name: string) => sql.id(name);

function columnDefinition(dialect: SqlDialect, column: ColumnSpec) {
  const references = column.references
    ? sql` references ${id(column.references.table)} (${id('id')}) on delete ${sql.raw(column.references.onDelete)}`
    : sql``;
  return sql`${id(column.name)} ${sql.raw(dialect.columnType(column.storage))}${sql.raw(column.notNull ? ' not null' : '')}${references}`;
}

export async function createTable(trx: Executor, dialect: SqlDialect, table: TableSpec): Promise<void> {
  const columns = [
    sql.raw(dialect.idColumnDefinition),
    ...table.columns.map((c) => columnDefinition(dialect, c)),
  ];
  await sql`create table ${id(table.name)} (${sql.join(columns)})`.execute(trx);
  for (const index of table.indexes) await createIndex(trx, dialect, table.name, index);
}

export async function dropTable(trx: Executor, name: string): Promise<void> {
  await sql`drop table if exists ${id(name)}`.execute(trx);
}

export async function renameTable(trx: Executor, from: string, to: string): Promise<void> {
  await sql`alter table ${id(from)} rename to ${id(to)}`.execute(trx);
}

export async function addColumn(
  trx: Executor,
  dialect: SqlDialect,
  table: string,
  column: ColumnSpec,
): Promise<void> {
  await sql`alter table ${id(table)} add column ${columnDefinition(dialect, column)}`.execute(trx);
}

export async function dropColumn(trx: Executor, table: string, column: string): Promise<void> {
  await sql`alter table ${id(table)} drop column ${id(column)}`.execute(trx);
}

export async function createIndex(
  trx: Executor,
  dialect: SqlDialect,
  table: string,
  index: IndexSpec,
): Promise<void> {
  const where = index.where
    ? sql` where ${id(index.where.column)} ${sql.raw(index.where.isNull ? 'is null' : 'is not null')}`
    : sql``;
  const columns = index.columns.map((column, i) =>
    (index.nullsFirst === true ? i === 0 : index.nullsFirst === column)
      ? sql`${id(column)}${sql.raw(dialect.nullsFirstInIndex)}`
      : id(column),
  );
  await sql`create ${sql.raw(index.unique ? 'unique ' : '')}index ${id(index.name)} on ${id(table)} (${sql.join(columns)})${where}`.execute(
    trx,
  );
}

export async function dropIndex(trx: Executor, name: string): Promise<void> {
  await sql`drop index if exists ${id(name)}`.execute(trx);
}

/** True when the table has at least one non-null value in `column` (to say what a drop would lose). */
export async function columnHasData(trx: Executor, table: string, column: string): Promise<boolean> {
  const { rows } = await sql<{
    found: number;
  }>`select 1 as found from ${id(table)} where ${id(column)} is not null limit 1`.execute(trx);
  return rows.length > 0;
}

export async function countRows(trx: Executor, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${id(table)}`.execute(trx);
  return Number(rows[0].n);
}
