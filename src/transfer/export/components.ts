import { sql } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Component, Model } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import { scalarAttributes, valueReader, type Row } from './rows.js';

/** What an entity line holds for its component and dynamic-zone attributes, by parent row id. */
export type ComponentValues = Map<number, Record<string, unknown>>;

/**
 * Strapi writes an entity with its components inside it (populated, ids included), not as entities of
 * their own: a component as an object `{ id, ...attributes }` (an array when repeatable, null when
 * empty), a dynamic zone as an array of `{ id, ...attributes, __component }` in order. Component rows
 * keep their ids, since links owned by component rows name them. Loaded for a batch of parents at once,
 * one statement per (attribute, component) and level.
 */
export async function componentValues(
  database: Database,
  schema: Schema,
  parent: Model,
  parentIds: readonly number[],
): Promise<ComponentValues> {
  const values: ComponentValues = new Map(parentIds.map((id) => [id, {}]));
  if (parentIds.length === 0) return values;
  for (const attribute of parent.attributes.values()) {
    if (attribute.kind === 'component') {
      const component = schema.components.get(attribute.component);
      const entries = component
        ? byParent(await entriesOf(database, schema, parent, attribute.name, component, parentIds))
        : new Map<number, Entry[]>();
      for (const id of parentIds) {
        const own = (entries.get(id) ?? []).map((entry) => entry.value);
        values.get(id)![attribute.name] = attribute.repeatable ? own : (own[0] ?? null);
      }
    } else if (attribute.kind === 'dynamiczone') {
      const entries: Entry[] = [];
      for (const uid of attribute.components) {
        const component = schema.components.get(uid);
        if (component)
          entries.push(
            ...(await entriesOf(database, schema, parent, attribute.name, component, parentIds, true)),
          );
      }
      // Entries of one zone sit in one table per component; their positions interleave.
      const grouped = byParent(entries);
      for (const id of parentIds) {
        const own = (grouped.get(id) ?? []).sort((a, b) => a.ord - b.ord);
        values.get(id)![attribute.name] = own.map((entry) => entry.value);
      }
    }
  }
  return values;
}

function byParent(entries: readonly Entry[]): Map<number, Entry[]> {
  const grouped = new Map<number, Entry[]>();
  for (const entry of entries) {
    const list = grouped.get(entry.parentId);
    if (list) list.push(entry);
    else grouped.set(entry.parentId, [entry]);
  }
  return grouped;
}

interface Entry {
  readonly parentId: number;
  readonly ord: number;
  readonly value: Record<string, unknown>;
}

async function entriesOf(
  database: Database,
  schema: Schema,
  parent: Model,
  field: string,
  component: Component,
  parentIds: readonly number[],
  inZone = false,
): Promise<Entry[]> {
  const scalars = scalarAttributes(component);
  const { dialect } = database;
  const t = component.tableName;
  const rows = (await database.db
    .selectFrom(t)
    .select([
      'id',
      'parent_id',
      'ord',
      ...scalars.map((a) => dialect.selectColumn(t, a.column, a.storage, a.name)),
    ] as never)
    .where('parent_type', '=', parent.uid)
    .where('field', '=', field)
    .where(dialect.inList(sql.ref(`${t}.parent_id`), parentIds, 'integer'))
    .orderBy('parent_id')
    .orderBy('ord')
    .execute()) as Row[];
  if (rows.length === 0) return [];
  const readers = scalars.map((a) => [a.name, valueReader(database, a)] as const);
  const nested = await componentValues(
    database,
    schema,
    component,
    rows.map((row) => Number(row.id)),
  );
  return rows.map((row) => {
    const id = Number(row.id);
    const value: Record<string, unknown> = { id };
    for (const [name, read] of readers) value[name] = read(row[name]);
    Object.assign(value, nested.get(id));
    // Last, where Strapi's populate puts it.
    if (inZone) value.__component = component.uid;
    return { parentId: Number(row.parent_id), ord: Number(row.ord), value };
  });
}
