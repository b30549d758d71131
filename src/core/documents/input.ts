import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import { ValidationError, invalidKey, missingData, validationErrors, type FieldError } from '../errors.js';
import { isPlainObject } from '../query/raw.js';
import type { Component, ContentType, Model, ScalarAttribute } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import type { QueryScope } from '../query/links.js';
import { mediaRelation, relationView } from '../schema/relations.js';
import { parseRelationInput, type Path, type RelationChange } from './relation-input.js';
import { validateScalar } from './scalar-input.js';
import type { DocumentRef } from './rows.js';

/** Keys a body may carry that are silently ignored (Strapi forces them from the query or the server). */
const IGNORED_KEYS = new Set(['publishedAt', 'locale']);
/** Keys that exist on documents but are never writable. */
const SYSTEM_KEYS = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy']);
const MAX_COMPONENT_ENTRIES = 1000;

/** A validated body for one row of a model (a document row, or a component row), with what hangs off it. */
export interface RowInput {
  /** Normalized scalar values: only the attributes the body sets, plus defaults on create. */
  readonly values: ReadonlyMap<ScalarAttribute, unknown>;
  readonly relations: readonly RelationChange[];
  /** Component and dynamic-zone attributes the body sets; each replaces the attribute's entries. */
  readonly components: readonly ComponentChange[];
}

export interface ComponentChange {
  readonly field: string;
  readonly entries: readonly ComponentEntry[];
}

export interface ComponentEntry extends RowInput {
  readonly component: Component;
}

export type WriteInput = RowInput;

interface Reader {
  readonly ctx: CoreContext;
  readonly schema: Schema;
  /** Which types the caller may read: relations to others cannot be written (Strapi §1.3). */
  readonly canRead: (uid: string) => boolean;
  readonly mode: 'create' | 'update';
  /** Required attributes are enforced inside components only when the write publishes. */
  readonly publish: boolean;
  readonly errors: FieldError[];
}

export function assertDataObject(data: unknown): asserts data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw missingData();
  }
}

/**
 * Checks a body against the type: unknown and read-only keys are 400 "Invalid key"; every value,
 * including inside components and dynamic zones, is validated and normalized; all errors are reported
 * together with their full paths.
 */
export async function readInput(
  ctx: CoreContext,
  type: ContentType,
  data: unknown,
  mode: 'create' | 'update',
  options: { publish?: boolean; scope?: QueryScope } = {},
): Promise<WriteInput> {
  assertDataObject(data);
  const reader: Reader = {
    ctx,
    schema: options.scope?.schema ?? ctx.schema(),
    canRead: options.scope ? (uid) => options.scope!.canRead(uid) : () => true,
    mode,
    publish: options.publish ?? false,
    errors: [],
  };
  const input = readRow(reader, type, data, []);
  // A new document that is published at once must be complete: report missing values with the rest.
  if (mode === 'create' && reader.publish) {
    const reported = new Set(reader.errors.map((e) => String(e.path[0])));
    reader.errors.push(...publishErrors(type, input.values).filter((e) => !reported.has(String(e.path[0]))));
  }
  if (reader.errors.length) throw validationErrors(reader.errors);
  await hashPasswords(ctx, input);
  return input;
}

function readRow(reader: Reader, model: Model, data: Record<string, unknown>, path: Path): RowInput {
  const values = new Map<ScalarAttribute, unknown>();
  const relations: RelationChange[] = [];
  const components: ComponentChange[] = [];
  const invalid = new Set<string>();
  const isComponent = model.modelType === 'component';
  for (const [key, value] of Object.entries(data)) {
    if (isComponent ? key === 'id' || key === '__component' : IGNORED_KEYS.has(key)) continue;
    const attribute = model.attributes.get(key);
    if ((!isComponent && SYSTEM_KEYS.has(key)) || !attribute || !attribute.writable) {
      throw invalidKey(key, { source: 'body', path: path.length ? [...path, key].join('.') : undefined });
    }
    const at = [...path, key];
    switch (attribute.kind) {
      case 'scalar': {
        if (value === null || value === undefined) {
          values.set(attribute, null);
          break;
        }
        const result = validateScalar(attribute, value, { draft: !reader.publish });
        if ('message' in result) {
          const error = fieldError(at, result.message);
          reader.errors.push('refused' in result ? { ...error, value: result.refused } : error);
          invalid.add(key);
        } else values.set(attribute, result.value);
        break;
      }
      case 'relation': {
        const view = relationView(reader.schema, model, attribute);
        if (!view)
          throw new ValidationError(
            `${at.join('.')}: relations to ${attribute.target ?? 'polymorphic targets'} cannot be written`,
            { key, source: 'body' },
          );
        if (!reader.canRead(view.related.uid)) {
          throw invalidKey(key, { source: 'body', path: path.length ? at.join('.') : undefined });
        }
        relations.push(parseRelationInput(attribute, view, value, at));
        break;
      }
      case 'component': {
        const component = reader.schema.components.get(attribute.component)!;
        const list = value === null || value === undefined ? [] : attribute.repeatable ? value : [value];
        if (!Array.isArray(list)) {
          reader.errors.push(
            fieldError(at, `${at.join('.')} must be an array of ${component.uid} components`),
          );
          break;
        }
        checkCount(reader, at, list.length, attribute.min, attribute.max, attribute.required);
        if (!attribute.repeatable && attribute.required && reader.publish && list.length === 0) {
          reader.errors.push(fieldError(at, `${key} must be a defined value`));
        }
        components.push({
          field: key,
          entries: list.map((entry, i) =>
            readEntry(reader, component, entry, attribute.repeatable ? [...at, i] : at),
          ),
        });
        break;
      }
      case 'dynamiczone': {
        const list = value === null || value === undefined ? [] : value;
        if (!Array.isArray(list)) {
          reader.errors.push(fieldError(at, `${at.join('.')} must be an array of components`));
          break;
        }
        checkCount(reader, at, list.length, attribute.min, attribute.max, attribute.required);
        const entries: ComponentEntry[] = [];
        list.forEach((entry, i) => {
          const uid = isPlainObject(entry) ? entry.__component : undefined;
          if (typeof uid !== 'string' || !attribute.components.includes(uid)) {
            reader.errors.push(
              fieldError(
                [...at, i, '__component'],
                `${[...at, i].join('.')}.__component must be one of: ${attribute.components.join(', ')}`,
              ),
            );
            return;
          }
          entries.push(readEntry(reader, reader.schema.components.get(uid)!, entry, [...at, i]));
        });
        components.push({ field: key, entries });
        break;
      }
      case 'media': {
        // Media values are file ids (or arrays of them), written like a relation to the file type.
        const relation = mediaRelation(attribute);
        const view = relationView(reader.schema, model, relation);
        if (!view) {
          throw new ValidationError(`${at.join('.')}: the media library is not available`, {
            key,
            source: 'body',
          });
        }
        relations.push(parseRelationInput(relation, view, value, at));
        break;
      }
    }
  }
  if (reader.mode === 'create' || isComponent) applyDefaults(model, values);
  if (isComponent && reader.publish) requireValues(reader, model, values, path, invalid);
  return { values, relations, components };
}

function readEntry(reader: Reader, component: Component, entry: unknown, path: Path): ComponentEntry {
  if (!isPlainObject(entry)) {
    reader.errors.push(fieldError(path, `${path.join('.')} must be an object`));
    return { component, values: new Map(), relations: [], components: [] };
  }
  return { component, ...readRow(reader, component, entry, path) };
}

function checkCount(
  reader: Reader,
  path: Path,
  count: number,
  min: number | undefined,
  max: number | undefined,
  required: boolean,
): void {
  if (count > MAX_COMPONENT_ENTRIES)
    reader.errors.push(
      fieldError(path, `${path.join('.')} has too many entries (at most ${MAX_COMPONENT_ENTRIES})`),
    );
  // As in Strapi, `min` binds an empty list only when the attribute is required.
  if (min !== undefined && count < min && reader.publish && (required || count > 0)) {
    reader.errors.push(fieldError(path, `${path.join('.')} must have at least ${min} items`));
  }
  if (max !== undefined && count > max)
    reader.errors.push(fieldError(path, `${path.join('.')} must have at most ${max} items`));
}

function applyDefaults(model: Model, values: Map<ScalarAttribute, unknown>): void {
  for (const attribute of model.attributes.values()) {
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

/** Required scalars of a component entry; attributes already reported as invalid are not reported twice. */
function requireValues(
  reader: Reader,
  model: Model,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  path: Path,
  invalid: ReadonlySet<string>,
): void {
  for (const attribute of model.attributes.values()) {
    if (attribute.kind !== 'scalar' || !attribute.required || invalid.has(attribute.name)) continue;
    const value = values.get(attribute);
    if (value === null || value === undefined || value === '') {
      reader.errors.push(
        fieldError(
          [...path, attribute.name],
          `${[...path, attribute.name].join('.')} must be a defined value`,
        ),
      );
    }
  }
}

function fieldError(path: Path, message: string): FieldError {
  return { path: [...path], message, name: 'ValidationError' };
}

async function hashPasswords(ctx: CoreContext, input: RowInput): Promise<void> {
  for (const [attribute, value] of input.values) {
    if (attribute.type === 'password' && typeof value === 'string')
      (input.values as Map<ScalarAttribute, unknown>).set(attribute, await ctx.passwords.hash(value));
  }
  for (const change of input.components) for (const entry of change.entries) await hashPasswords(ctx, entry);
}

/**
 * What publishing requires of a document's own attributes: `required` values, and `minLength` (drafts
 * may be incomplete or short). `current` holds the row the document already has, for partial updates.
 */
function publishErrors(
  type: ContentType,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  current?: Record<string, unknown>,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const attribute of type.attributes.values()) {
    if (attribute.kind !== 'scalar') continue;
    const value = values.has(attribute) ? values.get(attribute) : current?.[attribute.column];
    const missing = value === null || value === undefined || (value === '' && attribute.type !== 'json');
    if (attribute.required && missing) {
      errors.push({
        path: [attribute.name],
        message: `${attribute.name} must be a defined value`,
        name: 'ValidationError',
      });
    } else if (
      attribute.minLength !== undefined &&
      typeof value === 'string' &&
      value !== '' &&
      [...value].length < attribute.minLength
    ) {
      errors.push({
        path: [attribute.name],
        message: `${attribute.name} must be at least ${attribute.minLength} characters`,
        name: 'ValidationError',
      });
    }
  }
  return errors;
}

export function checkPublishable(
  type: ContentType,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  current?: Record<string, unknown>,
): void {
  const errors = publishErrors(type, values, current);
  if (errors.length) throw validationErrors(errors);
}

/**
 * `unique` among published documents (of the same locale): another document's published row with the
 * same value is a 400 on the attribute. Drafts are never checked, as in Strapi; publishing checks the
 * draft's values. The partial unique index guarantees it under concurrency; this check gives the clear
 * message first.
 */
export async function checkUnique(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  values: ReadonlyMap<ScalarAttribute, unknown>,
  status: 'draft' | 'published',
  ref: DocumentRef,
): Promise<void> {
  if (status === 'draft') return;
  const errors: FieldError[] = [];
  for (const [attribute, value] of values) {
    if (!attribute.unique || value === null || value === undefined) continue;
    const row = await trx
      .selectFrom(type.tableName)
      .select('id')
      .where(sql.ref(attribute.column), '=', ctx.database.dialect.toDb(attribute.storage, value))
      .where('published_at', 'is not', null)
      .where('document_id', '<>', ref.documentId)
      // Per locale (recorded: unique-de-same-code-as-en-doc.json), as the unique indexes are.
      .$if(ref.locale !== null, (qb) => qb.where('locale', '=', ref.locale))
      .limit(1)
      .executeTakeFirst();
    // Strapi names the value too (recorded: unique-en-same-code-collision.json).
    if (row)
      errors.push({
        path: [attribute.name],
        message: 'This attribute must be unique',
        name: 'ValidationError',
        value,
      });
  }
  if (errors.length) throw validationErrors(errors, 'QUORUM_NOT_UNIQUE');
}
