import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import type { Model } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import { deleteComponents } from '../schema/row-trees.js';
import type { ResolvedAccess } from './access-checks.js';
import type { ComponentChange, RowInput } from './input.js';
import { writeOwnerLinks } from './relation-write.js';
import { toColumns } from './rows.js';

/**
 * Writing component rows (they belong to one parent row: parent_type = the parent model's uid,
 * parent_id, field, ord). A write replaces an attribute's entries whole. Copying and deleting whole
 * trees, which publishing and deleting rows need, is in schema/row-trees.ts.
 */

/** Writes the component attributes of a row input under parent row `parentId` (replacing what was there). */
export async function writeComponents(
  ctx: CoreContext,
  trx: Executor,
  schema: Schema,
  parent: Model,
  parentId: number,
  changes: readonly ComponentChange[],
  fresh = false,
  locale: string | null = null,
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
      await writeRowRelations(
        ctx,
        trx,
        schema,
        entry.component,
        Number(row.id),
        entry,
        true,
        undefined,
        locale,
      );
    }
  }
}

/**
 * Owner-side relations and components of one written row (`fresh`: created by this write, nothing to
 * replace; `access`: the caller's, for a document's row).
 */
export async function writeRowRelations(
  ctx: CoreContext,
  trx: Executor,
  schema: Schema,
  model: Model,
  rowId: number,
  input: RowInput,
  fresh = false,
  access?: ResolvedAccess,
  /** The locale of the document the row belongs to (null: none): its relations link targets in it. */
  locale: string | null = null,
): Promise<void> {
  for (const change of input.relations)
    if (change.view.side === 'owner') await writeOwnerLinks(ctx, trx, rowId, change, fresh, access, locale);
  await writeComponents(ctx, trx, schema, model, rowId, input.components, fresh, locale);
}
