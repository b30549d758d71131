import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { Model } from './model.js';
import type { Schema } from './registry.js';
import { ownedRelations } from './relations.js';

/**
 * A row with what hangs off it by the table layout alone: its component trees (component rows point at
 * their parent row: parent_type = the parent model's uid, parent_id, field, ord) and the links it owns.
 * Copying and deleting such trees needs no values, no access rules and no context, only the schema —
 * so it lives here, where both the document operations (publishing, deleting) and the schema's data
 * migrations (switching draft & publish) can use it. Links owned by component rows go with them (the
 * link tables' foreign keys cascade).
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

/**
 * Copies the owned links of row `fromId` to row `toId` (publishing copies the draft's relations); `only`
 * limits the copy to some attributes when the caller knows the others have no links.
 */
export async function copyOwnedLinks(
  trx: Executor,
  schema: Schema,
  ownerUid: string,
  fromId: number,
  toId: number,
  only?: ReadonlySet<string>,
): Promise<void> {
  for (const storage of ownedRelations(schema)) {
    if (storage.owner.uid !== ownerUid || (only && !only.has(storage.ownerAttribute.name))) continue;
    const table = sql.table(storage.table);
    if (storage.targetToOne && storage.owner.modelType === 'contentType') {
      // The published copy takes its targets from other published rows (one owner per status, and per
      // locale: a localized owner's rows of other locales keep theirs).
      const owners = sql.table(storage.owner.tableName);
      const sameLocale = storage.owner.localized
        ? sql` and locale = (select locale from ${owners} where id = ${toId})`
        : sql``;
      await sql`delete from ${table} where target_document_id in (select target_document_id from ${table} where source_id = ${fromId})
        and source_id in (select id from ${owners} where published_at is not null and id <> ${toId}${sameLocale})`.execute(
        trx,
      );
    }
    await sql`insert into ${table} (source_id, target_document_id, source_ord, target_ord)
      select cast(${toId} as integer), target_document_id, source_ord, target_ord from ${table} where source_id = ${fromId}`.execute(
      trx,
    );
  }
}
