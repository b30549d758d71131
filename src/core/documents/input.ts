import { sql } from 'kysely';
import { ValidationError, invalidKey, validationErrors, type FieldError } from '../errors.js';
import type { CoreContext } from '../context.js';
import type { Executor } from '../../db/types.js';
import type { ContentType, ScalarAttribute } from '../schema/model.js';
import { validateScalar } from './scalar-input.js';

/** Keys a body may carry that are silently ignored (Strapi forces them from the query or the server). */
const IGNORED_KEYS = new Set(['publishedAt', 'locale']);
/** Keys that exist on documents but are never writable. */
const SYSTEM_KEYS = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy']);

export interface WriteInput {
  /** Normalized values by attribute name (only the attributes the body sets, plus defaults on create). */
  readonly values: ReadonlyMap<ScalarAttribute, unknown>;
}

export function assertDataObject(data: unknown): asserts data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError('Missing "data" payload in the request body');
  }
}

/**
 * Checks a body against the type: unknown and read-only keys are 400 "Invalid key"; every value is
 * validated and normalized, all errors are reported together with their paths.
 */
export async function readInput(
  ctx: CoreContext,
  type: ContentType,
  data: unknown,
  mode: 'create' | 'update',
): Promise<WriteInput> {
  assertDataObject(data);
  const values = new Map<ScalarAttribute, unknown>();
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (IGNORED_KEYS.has(key)) continue;
    const attribute = type.attributes.get(key);
    if (SYSTEM_KEYS.has(key) || !attribute || !attribute.writable) throw invalidKey(key, { source: 'body' });
    if (attribute.kind !== 'scalar') {
      throw new ValidationError(
        `Writing ${attribute.kind} attributes (${key}) is not supported by this version of Quorum`,
        {
          key,
          source: 'body',
        },
      );
    }
    if (value === null || value === undefined) {
      values.set(attribute, null);
      continue;
    }
    const result = validateScalar(attribute, value);
    if ('message' in result) errors.push({ path: [key], message: result.message, name: 'ValidationError' });
    else values.set(attribute, result.value);
  }
  if (mode === 'create') {
    for (const attribute of type.attributes.values()) {
      if (
        attribute.kind !== 'scalar' ||
        values.has(attribute) ||
        attribute.default === undefined ||
        attribute.default === null
      )
        continue;
      const result = validateScalar(attribute, attribute.default);
      if ('value' in result) values.set(attribute, result.value);
    }
  }
  if (errors.length) throw validationErrors(errors);
  for (const [attribute, value] of values) {
    if (attribute.type === 'password' && typeof value === 'string')
      values.set(attribute, await ctx.passwords.hash(value));
  }
  return { values };
}

/**
 * `required` is enforced on what will be published (drafts of draft & publish types may be incomplete).
 * `current` holds the values the document already has, for partial updates.
 */
export function checkRequired(
  type: ContentType,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  current?: Record<string, unknown>,
): void {
  const errors: FieldError[] = [];
  for (const attribute of type.attributes.values()) {
    if (attribute.kind !== 'scalar' || !attribute.required) continue;
    const value = values.has(attribute) ? values.get(attribute) : current?.[attribute.column];
    if (value === null || value === undefined || (value === '' && attribute.type !== 'json')) {
      errors.push({
        path: [attribute.name],
        message: `${attribute.name} must be a defined value`,
        name: 'ValidationError',
      });
    }
  }
  if (errors.length) throw validationErrors(errors);
}

/**
 * `unique` among documents of one status: another document's row of that status with the same value
 * is a 400 on the attribute. The partial unique indexes guarantee it under concurrency; this check
 * gives the clear message first.
 */
export async function checkUnique(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  status: 'draft' | 'published',
  documentId: string,
): Promise<void> {
  const errors: FieldError[] = [];
  for (const [attribute, value] of values) {
    if (!attribute.unique || value === null || value === undefined) continue;
    const row = await trx
      .selectFrom(type.tableName)
      .select('id')
      .where(sql.ref(attribute.column), '=', ctx.database.dialect.toDb(attribute.storage, value))
      .where('published_at', status === 'draft' ? 'is' : 'is not', null)
      .where('document_id', '<>', documentId)
      .limit(1)
      .executeTakeFirst();
    if (row)
      errors.push({
        path: [attribute.name],
        message: 'This attribute must be unique',
        name: 'ValidationError',
      });
  }
  if (errors.length) throw validationErrors(errors);
}
