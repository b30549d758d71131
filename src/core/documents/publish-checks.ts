import type { Executor } from '../../db/types.js';
import { validationErrors, type FieldError } from '../errors.js';
import type { Model } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';

/**
 * Before a stored draft is published, its components must satisfy what publishing requires: required
 * attributes inside components, required single components, minimum entry counts. (Drafts may be
 * incomplete; the body of the publishing request was already checked, this covers what it did not send.)
 */
export async function checkStoredComponents(
  trx: Executor,
  schema: Schema,
  model: Model,
  rowId: number,
): Promise<void> {
  const errors: FieldError[] = [];
  await checkRow(trx, schema, model, rowId, [], errors);
  if (errors.length) throw validationErrors(errors);
}

async function checkRow(
  trx: Executor,
  schema: Schema,
  model: Model,
  rowId: number,
  path: (string | number)[],
  errors: FieldError[],
): Promise<void> {
  for (const attribute of model.attributes.values()) {
    if (attribute.kind !== 'component' && attribute.kind !== 'dynamiczone') continue;
    const uids = attribute.kind === 'component' ? [attribute.component] : attribute.components;
    const entries: { component: Model; row: Record<string, unknown> }[] = [];
    for (const uid of uids) {
      const component = schema.components.get(uid);
      if (!component) continue;
      const rows = await trx
        .selectFrom(component.tableName)
        .selectAll()
        .where('parent_type', '=', model.uid)
        .where('field', '=', attribute.name)
        .where('parent_id', '=', rowId)
        .execute();
      for (const row of rows) entries.push({ component, row });
    }
    entries.sort((a, b) => Number(a.row.ord) - Number(b.row.ord));
    const at = [...path, attribute.name];
    const list = attribute.kind === 'dynamiczone' || attribute.repeatable;
    if (!list && attribute.required && entries.length === 0) {
      errors.push({ path: at, message: `${at.join('.')} must be a defined value`, name: 'ValidationError' });
    }
    // As in Strapi, `min` binds an empty list only when the attribute is required.
    if (
      attribute.min !== undefined &&
      list &&
      entries.length < attribute.min &&
      (attribute.required || entries.length > 0)
    ) {
      errors.push({
        path: at,
        message: `${at.join('.')} must have at least ${attribute.min} items`,
        name: 'ValidationError',
      });
    }
    for (const [index, { component, row }] of entries.entries()) {
      const entryPath = list ? [...at, index] : at;
      for (const field of component.attributes.values()) {
        if (field.kind !== 'scalar') continue;
        const value = row[field.column];
        const fieldPath = [...entryPath, field.name];
        if (field.required && (value === null || value === undefined || value === '')) {
          errors.push({
            path: fieldPath,
            message: `${fieldPath.join('.')} must be a defined value`,
            name: 'ValidationError',
          });
        } else if (
          field.minLength !== undefined &&
          typeof value === 'string' &&
          value !== '' &&
          [...value].length < field.minLength
        ) {
          // Drafts may be shorter than minLength; the published version may not.
          errors.push({
            path: fieldPath,
            message: `${fieldPath.join('.')} must be at least ${field.minLength} characters`,
            name: 'ValidationError',
          });
        }
      }
      await checkRow(trx, schema, component, Number(row.id), entryPath, errors);
    }
  }
}
