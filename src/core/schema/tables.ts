import type { ColumnSpec, IndexSpec, TableSpec } from '../../db/ddl.js';
import type { Model, ScalarAttribute } from './model.js';
import { identifier } from './naming.js';
import type { Schema } from './registry.js';

/**
 * A table the schema needs, with what the diff must know to explain a change: a stable key (so a
 * renamed collectionName is a rename, not a drop and a create), the model it belongs to, and which
 * attribute each column stores.
 */
export interface PlannedTable extends TableSpec {
  readonly key: string;
  readonly uid: string;
  readonly columnAttributes: ReadonlyMap<string, string>;
}

/** Every table a schema needs, derived from it alone. Deterministic: the diff compares two of these. */
export function plannedTables(schema: Schema): PlannedTable[] {
  const tables: PlannedTable[] = [];
  for (const model of schema.models()) tables.push(mainTable(model));
  return tables;
}

function mainTable(model: Model): PlannedTable {
  const t = model.tableName;
  const columns: ColumnSpec[] = [];
  const indexes: IndexSpec[] = [];
  const columnAttributes = new Map<string, string>();
  const isDocument = model.modelType === 'contentType';
  if (isDocument) {
    columns.push({ name: 'document_id', storage: 'text', notNull: true });
    columns.push({ name: 'created_at', storage: 'datetime', notNull: true });
    columns.push({ name: 'updated_at', storage: 'datetime', notNull: true });
    columns.push({ name: 'published_at', storage: 'datetime' });
    indexes.push({ name: identifier(t, 'document_id_idx'), columns: ['document_id', 'published_at'] });
    indexes.push({ name: identifier(t, 'published_at_idx'), columns: ['published_at'] });
    indexes.push({ name: identifier(t, 'created_at_idx'), columns: ['created_at'] });
    indexes.push({ name: identifier(t, 'updated_at_idx'), columns: ['updated_at'] });
  }
  for (const attribute of model.attributes.values()) {
    if (attribute.kind !== 'scalar') continue;
    columns.push({ name: attribute.column, storage: attribute.storage });
    columnAttributes.set(attribute.column, attribute.name);
    if (attribute.unique) indexes.push(...uniqueIndexes(t, attribute, isDocument));
  }
  return { key: `${model.uid}#main`, uid: model.uid, name: t, columns, indexes, columnAttributes };
}

/**
 * `unique` holds among documents of the same status: a document's draft and published rows share
 * values, so one partial index per status enforces it without ever comparing the two.
 */
function uniqueIndexes(table: string, attribute: ScalarAttribute, isDocument: boolean): IndexSpec[] {
  if (!isDocument)
    return [{ name: identifier(table, attribute.column, 'uq'), columns: [attribute.column], unique: true }];
  return [
    {
      name: identifier(table, attribute.column, 'uq_draft'),
      columns: [attribute.column],
      unique: true,
      where: { column: 'published_at', isNull: true },
    },
    {
      name: identifier(table, attribute.column, 'uq_pub'),
      columns: [attribute.column],
      unique: true,
      where: { column: 'published_at', isNull: false },
    },
  ];
}
