import type { ColumnSpec, IndexSpec, TableSpec } from '../../db/ddl.js';
import type { Model, ScalarAttribute } from './model.js';
import { identifier } from './naming.js';
import type { Schema } from './registry.js';
import { ownedRelations, type RelationStorage } from './relations.js';

/**
 * A table the schema needs, with what the diff must know to explain a change: a stable key (so a
 * renamed collectionName is a rename, not a drop and a create), the model it belongs to, and which
 * attribute each column stores.
 */
export interface PlannedTable extends TableSpec {
  readonly key: string;
  readonly uid: string;
  readonly columnAttributes: ReadonlyMap<string, string>;
  /** Tables that reference others are dropped before them. */
  readonly dependent: boolean;
}

/** Every table a schema needs, derived from it alone. Deterministic: the diff compares two of these. */
export function plannedTables(schema: Schema): PlannedTable[] {
  const tables: PlannedTable[] = [];
  for (const model of schema.models()) tables.push(mainTable(model));
  for (const relation of ownedRelations(schema)) tables.push(linkTable(relation));
  return tables;
}

function mainTable(model: Model): PlannedTable {
  const t = model.tableName;
  const columns: ColumnSpec[] = [];
  const indexes: IndexSpec[] = [];
  const columnAttributes = new Map<string, string>();
  const isDocument = model.modelType === 'contentType';
  const localized = model.modelType === 'contentType' && model.localized;
  if (isDocument) {
    columns.push({ name: 'document_id', storage: 'text', notNull: true });
    columns.push({ name: 'created_at', storage: 'datetime', notNull: true });
    columns.push({ name: 'updated_at', storage: 'datetime', notNull: true });
    columns.push({ name: 'published_at', storage: 'datetime' });
    // The admin who created / last changed the document (ids in quorum_admin_users); never in API output.
    columns.push({ name: 'created_by_id', storage: 'integer' });
    columns.push({ name: 'updated_by_id', storage: 'integer' });
    // Every content table has the column, as Strapi's do (NULL unless the type is localized), so that
    // turning localization on is a data step, not a new column, and Strapi archives map row for row.
    columns.push({ name: 'locale', storage: 'text' });
    indexes.push({
      name: identifier(t, 'document_id_idx'),
      columns: localized ? ['document_id', 'locale', 'published_at'] : ['document_id', 'published_at'],
    });
    // (column, id) with NULLs first matches the ORDER BY of sorted lists (see query/compile.ts), so a
    // page sorted by a date reads 25 index entries instead of sorting the table.
    // A localized type's lists read one locale: the locale leads (measured: a sorted page of a localized
    // type read 7x slower through the (column, id) index, bench BENCH_LOCALE=fr).
    for (const column of ['published_at', 'created_at', 'updated_at']) {
      indexes.push({
        name: identifier(t, column, 'id_idx'),
        columns: localized ? ['locale', column, 'id'] : [column, 'id'],
        nullsFirst: localized ? column : true,
      });
    }
  } else {
    // A component row belongs to one row of its parent (a content-type row or another component row):
    // the parent's model uid and id, the attribute holding it, and its position in that attribute.
    columns.push({ name: 'parent_type', storage: 'text', notNull: true });
    columns.push({ name: 'parent_id', storage: 'integer', notNull: true });
    columns.push({ name: 'field', storage: 'text', notNull: true });
    columns.push({ name: 'ord', storage: 'integer', notNull: true });
    indexes.push({ name: identifier(t, 'parent_idx'), columns: ['parent_id', 'parent_type', 'field'] });
  }
  for (const attribute of model.attributes.values()) {
    if (attribute.kind !== 'scalar') continue;
    columns.push({ name: attribute.column, storage: attribute.storage });
    columnAttributes.set(attribute.column, attribute.name);
    if (attribute.unique && isDocument) indexes.push(...uniqueIndexes(t, attribute, localized));
  }
  return {
    key: `${model.uid}#main`,
    uid: model.uid,
    name: t,
    columns,
    indexes,
    columnAttributes,
    dependent: false,
  };
}

function linkTable(relation: RelationStorage): PlannedTable {
  const t = relation.table;
  return {
    // The target is part of the key: retargeting a relation drops its links (destructive), it never
    // leaves them pointing at documents of another type.
    key: `${relation.owner.uid}#lnk:${relation.ownerAttribute.name}->${relation.target.uid}`,
    uid: relation.owner.uid,
    name: t,
    columns: [
      {
        name: 'source_id',
        storage: 'integer',
        notNull: true,
        references: { table: relation.owner.tableName, onDelete: 'cascade' },
      },
      { name: 'target_document_id', storage: 'text', notNull: true },
      // Positions in the owner's list and in the target's inverse list.
      { name: 'source_ord', storage: 'integer', notNull: true },
      { name: 'target_ord', storage: 'integer', notNull: true },
    ],
    indexes: [
      { name: identifier(t, 'source_uq'), columns: ['source_id', 'target_document_id'], unique: true },
      { name: identifier(t, 'target_idx'), columns: ['target_document_id'] },
    ],
    columnAttributes: new Map([['target_document_id', relation.ownerAttribute.name]]),
    dependent: true,
  };
}

/**
 * `unique` holds among published documents, within one locale for a localized type, as Strapi checks it
 * (entity-validator: published rows of the locale only; drafts are never compared, recorded in
 * strapi-5.54-i18n/answers/unique-fr-draft-same-code-collision.json): one partial index over the published
 * rows. Drafts may share values, so archives of real Strapi projects import as they are.
 */
function uniqueIndexes(table: string, attribute: ScalarAttribute, localized: boolean): IndexSpec[] {
  return [
    {
      name: identifier(table, attribute.column, 'uq_pub'),
      columns: localized ? ['locale', attribute.column] : [attribute.column],
      unique: true,
      where: { column: 'published_at', isNull: false },
    },
  ];
}

/** Table specs as stored in quorum_state (JSON: maps become objects). */
export function tablesToJson(tables: readonly PlannedTable[]): string {
  return JSON.stringify(
    tables.map((t) => ({ ...t, columnAttributes: Object.fromEntries(t.columnAttributes) })),
  );
}

export function tablesFromJson(json: string): PlannedTable[] {
  const raw = JSON.parse(json) as (Omit<PlannedTable, 'columnAttributes'> & {
    columnAttributes: Record<string, string>;
  })[];
  return raw.map((t) => ({ ...t, columnAttributes: new Map(Object.entries(t.columnAttributes)) }));
}
