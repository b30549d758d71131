import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import type { Model } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import type { ComponentChange, RowInput } from './input.js';
import { copyOwnedLinks, writeOwnerLinks } from './relation-write.js';
import { toColumns } from './rows.js';

/**
 * Component rows belong to one parent row (parent_type = the parent model's uid, parent_id, field, ord).
 * A write replaces an attribute's entries whole; publishing deep-copies the draft's tree to the new
 * published row; deleting a row deletes its tree. Links owned by component rows go with them (the link
 * tables' foreign keys cascade).
 */

function scalarColumns(model: Model): string[] {
  return [...model.attributes.values()].flatMap((a) => (a.kind === 'scalar' ? [a.column] : []));
}

/** Attributes of a model that hold component rows, with the component uids they may hold. */
function componentFields(schema: Schema, model: Model): { field: string; models: Model[] }[] {
  const fields: { field: string; models: Model[] }[] = [];
  for (const attribute of model.attributes.values()) {
    if (attribute.kind === 'component') {
      const component = schema.components.get(attribute.component);
      if (component) fields.push({ field: attribute.name, models: [component] });
    } else if (attribute.kind === 'dynamiczone') {
      fields.push({
        field: attribute.name,
        models: attribute.components.map((uid) => schema.components.get(uid)!).filter(Boolean),
      });
    }
  }
  return fields;
}

/** Deletes the component trees of `parentIds` (all component attributes, or only `onlyFields`). */
export async function deleteComponents(
  trx: Executor,
  schema: Schema,
  parent: Model,
  parentIds: readonly number[],
  onlyFields?: ReadonlySet<string>,
): Promise<void> {
  if (parentIds.length === 0) return;
  for (const { field, models } of componentFields(schema, parent)) {
    if (onlyFields && !onlyFields.has(field)) continue;
    for (const component of models) {
      const rows = await trx
        .selectFrom(component.tableName)
        .select('id')
        .where('parent_type', '=', parent.uid)
        .where('field', '=', field)
        .where('parent_id', 'in', parentIds)
        .execute();
      if (rows.length === 0) continue;
      const ids = rows.map((row) => Number(row.id));
      await deleteComponents(trx, schema, component, ids);
      await trx.deleteFrom(component.tableName).where('id', 'in', ids).execute();
    }
  }
}

/** Writes the component attributes of a row input under parent row `parentId` (replacing what was there). */
export async function writeComponents(
  ctx: CoreContext,
  trx: Executor,
  schema: Schema,
  parent: Model,
  parentId: number,
  changes: readonly ComponentChange[],
  fresh = false,
): Promise<void> {
  if (changes.length === 0) return;
  if (!fresh) await deleteComponents(trx, schema, parent, [parentId], new Set(changes.map((c) => c.field)));
  for (const change of changes) {
    for (const [ord, entry] of change.entries.entries()) {
      const row = await trx
        .insertInto(entry.component.tableName)
        .values({
          parent_type: parent.uid,
          parent_id: parentId,
          field: change.field,
          ord,
          ...toColumns(ctx, entry.values),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeRowRelations(ctx, trx, schema, entry.component, Number(row.id), entry, true);
    }
  }
}

/** Owner-side relations and components of one written row (`fresh`: created by this write, nothing to replace). */
export async function writeRowRelations(
  ctx: CoreContext,
  trx: Executor,
  schema: Schema,
  model: Model,
  rowId: number,
  input: RowInput,
  fresh = false,
): Promise<void> {
  for (const change of input.relations)
    if (change.view.side === 'owner') await writeOwnerLinks(trx, rowId, change, fresh);
  await writeComponents(ctx, trx, schema, model, rowId, input.components, fresh);
}

/**
 * Deep-copies the component trees (and their links) of row `fromId` to row `toId` of the same model;
 * `only` limits the copy to some attributes when the caller knows the others are empty.
 */
export async function copyComponents(
  trx: Executor,
  schema: Schema,
  parent: Model,
  fromId: number,
  toId: number,
  only?: ReadonlySet<string>,
): Promise<void> {
  for (const { field, models } of componentFields(schema, parent)) {
    if (only && !only.has(field)) continue;
    for (const component of models) {
      const rows = await trx
        .selectFrom(component.tableName)
        .select('id')
        .where('parent_type', '=', parent.uid)
        .where('field', '=', field)
        .where('parent_id', '=', fromId)
        .orderBy('ord')
        .execute();
      // Copied in SQL, so stored values never take a round trip through JavaScript types.
      const columns = ['parent_type', 'field', 'ord', ...scalarColumns(component)].map((c) => sql.id(c));
      const table = sql.table(component.tableName);
      for (const row of rows) {
        const id = Number(row.id);
        const { rows: copied } = await sql<{
          id: number;
        }>`insert into ${table} (${sql.join(columns)}, parent_id)
          select ${sql.join(columns)}, cast(${toId} as integer) from ${table} where id = ${id} returning id`.execute(
          trx,
        );
        const copyId = Number(copied[0].id);
        await copyOwnedLinks(trx, schema, component.uid, id, copyId);
        await copyComponents(trx, schema, component, id, copyId);
      }
    }
  }
}

/** Deletes rows of a model with their component trees (links cascade). */
export async function deleteRows(
  trx: Executor,
  schema: Schema,
  model: Model,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  await deleteComponents(trx, schema, model, ids);
  await trx.deleteFrom(model.tableName).where('id', 'in', ids).execute();
}
