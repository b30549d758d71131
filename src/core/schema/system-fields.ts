import { RENDERED_JSON_COLUMN, RENDERED_SHAPE_COLUMN } from '../../db/dialect.js';
import type { ScalarAttribute } from './model.js';
import { SCALAR_STORAGE } from './attribute-types.js';

function system(name: string, column: string, type: ScalarAttribute['type']): ScalarAttribute {
  return Object.freeze({
    kind: 'scalar',
    name,
    column,
    type,
    storage: SCALAR_STORAGE[type],
    system: true,
    required: false,
    private: false,
    writable: false,
    unique: false,
    searchable: false,
    raw: Object.freeze({ type }),
  });
}

export const ID_FIELD = system('id', 'id', 'integer');
export const DOCUMENT_ID_FIELD = system('documentId', 'document_id', 'string');
export const CREATED_AT_FIELD = system('createdAt', 'created_at', 'datetime');
export const UPDATED_AT_FIELD = system('updatedAt', 'updated_at', 'datetime');
export const PUBLISHED_AT_FIELD = system('publishedAt', 'published_at', 'datetime');
/**
 * The locale of a row of a localized type (Strapi's `locale`, after publishedAt in answers). Every
 * content table has the column (NULL on types that are not localized, as in Strapi's tables); only
 * localized types have the field.
 */
export const LOCALE_FIELD = system('locale', 'locale', 'string');
/**
 * The admin who created a document (content tables' created_by_id). Private: never serialized, and not in
 * any model's fields, so clients cannot filter on it; only permission conditions reach it (QueryScope
 * `conditionFields`), which is how `admin::is-creator` becomes part of a query's WHERE clause.
 */
export const CREATED_BY_FIELD: ScalarAttribute = Object.freeze({
  ...system('createdBy', 'created_by_id', 'integer'),
  private: true,
});

/** Fields every content type has, in output order (id and documentId first, timestamps after attributes). */
export const CONTENT_TYPE_LEADING_FIELDS = [ID_FIELD, DOCUMENT_ID_FIELD] as const;
export const CONTENT_TYPE_TRAILING_FIELDS = [CREATED_AT_FIELD, UPDATED_AT_FIELD, PUBLISHED_AT_FIELD] as const;

/** Attribute names a schema may not declare (Strapi throws on these too). */
export const RESERVED_ATTRIBUTE_NAMES = new Set([
  'id',
  'documentId',
  'document_id',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'created_at',
  'updated_at',
  'published_at',
  'createdBy',
  'updatedBy',
  'created_by',
  'updated_by',
  'locale',
  'localizations',
  '__component',
]);

export const RESERVED_COLUMNS = new Set([
  'id',
  // Rendered documents (see core/query/render.ts).
  RENDERED_JSON_COLUMN,
  RENDERED_SHAPE_COLUMN,
  'document_id',
  'created_at',
  'updated_at',
  'published_at',
  'created_by_id',
  'updated_by_id',
  'locale',
]);
