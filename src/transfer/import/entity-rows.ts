import type { SqlDialect } from '../../db/dialect.js';
import { validateScalar } from '../../core/documents/scalar-input.js';
import type { Component, ContentType, Model, ScalarAttribute } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import { FILE_UID } from '../../core/schema/relations.js';
import { parseDateTime, Invalid } from '../../core/values.js';
import { TransferError } from '../errors.js';
import type { EntityLine } from '../format.js';

/** A row to insert: its table and its column values (driver parameters). */
export interface PlannedRow {
  table: string;
  uid: string;
  values: Record<string, unknown>;
}

/** Where a line came from, for errors. */
export interface LineRef {
  file: string;
  line: number;
}

/** How files' `url`s are rewritten: the configured storage's URL of a key, and its provider name. */
export interface FileUrls {
  url(key: string): string;
  provider: string;
}

/** Keys of an entity's `data` that are not attributes: Strapi's system fields (and i18n's locale). */
const SYSTEM_KEYS = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale']);

/**
 * Turns one entity line (a Strapi row with its components inline) into the rows Quorum stores: the
 * content-type row, keeping Strapi's row `id` and `documentId` (so links, which name rows by id, and
 * clients, which name documents by documentId, both find them), and one row per component entry, under
 * its parent (parent_type, parent_id, field, ord), keeping its id too (links from components name it).
 * Values go through the same validation as API writes, in draft mode (Strapi allows drafts below their
 * minimums); a value Quorum cannot store stops the import naming the line.
 */
export class EntityRows {
  /** Data keys of each type that the app does not define, reported once per type. */
  readonly ignoredKeys = new Map<string, Set<string>>();

  constructor(
    private readonly schema: Schema,
    private readonly dialect: SqlDialect,
    private readonly files: FileUrls,
  ) {}

  rows(type: ContentType, entity: EntityLine, at: LineRef): PlannedRow[] {
    const data = entity.data;
    if (!Number.isSafeInteger(entity.id) || entity.id < 1)
      throw new TransferError(`${entity.type}: the row id must be a positive integer`, at);
    if (typeof data.documentId !== 'string' || data.documentId === '')
      throw new TransferError(`${entity.type} row ${entity.id}: documentId is missing`, at);
    const now = new Date().toISOString();
    const values: Record<string, unknown> = {
      id: entity.id,
      document_id: data.documentId,
      created_at: this.#datetime(data.createdAt, 'createdAt', entity, at) ?? now,
      updated_at: this.#datetime(data.updatedAt, 'updatedAt', entity, at) ?? now,
      published_at: this.#datetime(data.publishedAt, 'publishedAt', entity, at) ?? null,
    };
    // A localized type's rows keep the locale Strapi gave them (every row of a localized Strapi type has
    // one); a type Quorum localizes that the archive did not puts its rows in `en`.
    if (type.localized)
      values.locale = typeof data.locale === 'string' && data.locale !== '' ? data.locale : 'en';
    // A type without draft & publish has only published rows in Quorum (as in Strapi 5, which sets it).
    if (!type.draftAndPublish && values.published_at === null) values.published_at = values.created_at;
    for (const key of ['created_at', 'updated_at', 'published_at'])
      values[key] = values[key] === null ? null : this.dialect.toDb('datetime', values[key]);
    const out: PlannedRow[] = [{ table: type.tableName, uid: type.uid, values }];
    this.#fill(type, data, values, entity.type, entity.id, at, out);
    if (type.uid === FILE_UID) this.#rewriteFileUrls(type, values, data);
    return out;
  }

  #datetime(value: unknown, name: string, entity: EntityLine, at: LineRef): string | undefined {
    if (value === undefined || value === null) return undefined;
    const parsed = parseDateTime(value);
    if (parsed instanceof Invalid)
      throw new TransferError(`${entity.type} row ${entity.id}: ${name} must be ${parsed.expected}`, at);
    return parsed;
  }

  /** Scalar columns of `model` into `values`; component entries as rows of their own into `out`. */
  #fill(
    model: Model,
    data: Record<string, unknown>,
    values: Record<string, unknown>,
    uid: string,
    rowId: number,
    at: LineRef,
    out: PlannedRow[],
  ): void {
    for (const attribute of model.attributes.values()) {
      const value = data[attribute.name];
      if (attribute.kind === 'scalar') {
        values[attribute.column] = this.#scalar(attribute, value, uid, rowId, at);
      } else if (attribute.kind === 'component') {
        const component = this.schema.components.get(attribute.component);
        if (!component || value === undefined || value === null) continue;
        const entries = attribute.repeatable ? value : [value];
        if (!Array.isArray(entries))
          throw new TransferError(`${uid} row ${rowId}: ${attribute.name} must be a list of components`, at);
        entries.forEach((entry, ord) =>
          this.#component(component, entry, model.uid, rowId, attribute.name, ord, at, out),
        );
      } else if (attribute.kind === 'dynamiczone') {
        if (value === undefined || value === null) continue;
        if (!Array.isArray(value))
          throw new TransferError(`${uid} row ${rowId}: ${attribute.name} must be a list`, at);
        value.forEach((entry, ord) => {
          const name = (entry as { __component?: unknown } | null)?.__component;
          const component = typeof name === 'string' ? this.schema.components.get(name) : undefined;
          if (!component || !attribute.components.includes(component.uid))
            throw new TransferError(
              `${uid} row ${rowId}: ${attribute.name}[${ord}] is a ${String(name)}, which the dynamic zone does not allow`,
              at,
            );
          this.#component(component, entry, model.uid, rowId, attribute.name, ord, at, out);
        });
      }
      // Relations and media are links (links/), not data.
    }
    this.#noteIgnoredKeys(model, data);
  }

  #component(
    component: Component,
    entry: unknown,
    parentType: string,
    parentId: number,
    field: string,
    ord: number,
    at: LineRef,
    out: PlannedRow[],
  ): void {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new TransferError(`${parentType} row ${parentId}: ${field}[${ord}] must be an object`, at);
    const data = entry as Record<string, unknown>;
    const id = data.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
      throw new TransferError(
        `${component.uid} in ${parentType} row ${parentId}: the component id must be a positive integer`,
        at,
      );
    const values: Record<string, unknown> = { id, parent_type: parentType, parent_id: parentId, field, ord };
    out.push({ table: component.tableName, uid: component.uid, values });
    this.#fill(component, data, values, component.uid, id, at, out);
  }

  #scalar(attribute: ScalarAttribute, value: unknown, uid: string, rowId: number, at: LineRef): unknown {
    if (value === undefined || value === null) return null;
    const checked = validateScalar(attribute, value, { draft: true });
    if ('message' in checked) throw new TransferError(`${uid} row ${rowId}: ${checked.message}`, at);
    return this.dialect.toDb(attribute.storage, checked.value);
  }

  /**
   * A file's bytes move into the configured storage under the same key (hash + ext), so its `url` and its
   * formats' urls become that storage's, and `provider` names it.
   */
  #rewriteFileUrls(type: ContentType, values: Record<string, unknown>, data: Record<string, unknown>): void {
    const column = (name: string) => type.fields.get(name)?.column ?? name;
    if (typeof data.hash === 'string' && typeof data.ext === 'string')
      values[column('url')] = this.files.url(`${data.hash}${data.ext}`);
    values[column('provider')] = this.files.provider;
    const formats = data.formats;
    if (formats && typeof formats === 'object' && !Array.isArray(formats)) {
      const rewritten: Record<string, unknown> = {};
      for (const [name, format] of Object.entries(formats as Record<string, Record<string, unknown>>)) {
        rewritten[name] =
          format && typeof format.hash === 'string' && typeof format.ext === 'string'
            ? { ...format, url: this.files.url(`${format.hash}${format.ext}`) }
            : format;
      }
      values[column('formats')] = this.dialect.toDb('json', rewritten);
    }
  }

  #noteIgnoredKeys(model: Model, data: Record<string, unknown>): void {
    for (const key of Object.keys(data)) {
      if (SYSTEM_KEYS.has(key) || key === '__component' || model.attributes.has(key)) continue;
      let keys = this.ignoredKeys.get(model.uid);
      if (!keys) this.ignoredKeys.set(model.uid, (keys = new Set()));
      keys.add(key);
    }
  }
}
