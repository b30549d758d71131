import type { Database } from '../../db/types.js';
import type { ContentType } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import type { EntityLine } from '../format.js';
import { FILE_UID } from '../../core/schema/relations.js';
import { componentValues } from './components.js';
import { rowBatches, scalarAttributes, valueReader, type Row } from './rows.js';

/**
 * Every row of every content type, in id order per type: its documentId, every attribute value as
 * stored (private ones and password hashes included: an export is a backup), the timestamps, and its
 * components inside it. Relations and media are links (links.ts), not values.
 */
export async function* entityLines(database: Database, schema: Schema): AsyncGenerator<EntityLine> {
  for (const type of exportedTypes(schema)) yield* typeEntities(database, schema, type);
}

/**
 * The content types an export holds, in the order Strapi writes them: its plugins' types first (files,
 * then users, roles and permissions), then the app's.
 */
export function exportedTypes(schema: Schema): ContentType[] {
  const plugin = (type: ContentType) => (type.uid.startsWith('plugin::') ? 0 : 1);
  return [...schema.contentTypes.values()].sort(
    (a, b) => plugin(a) - plugin(b) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0),
  );
}

export async function* typeEntities(
  database: Database,
  schema: Schema,
  type: ContentType,
): AsyncGenerator<EntityLine> {
  const { dialect } = database;
  const t = type.tableName;
  const scalars = scalarAttributes(type);
  const readers = scalars.map((a) => [a.name, valueReader(database, a)] as const);
  const columns = [
    'id',
    'document_id',
    ...scalars.map((a) => dialect.selectColumn(t, a.column, a.storage, a.name)),
    dialect.selectColumn(t, 'created_at', 'datetime', 'createdAt'),
    dialect.selectColumn(t, 'updated_at', 'datetime', 'updatedAt'),
    dialect.selectColumn(t, 'published_at', 'datetime', 'publishedAt'),
    'locale',
  ];
  const datetime = (value: unknown) => dialect.fromDb('datetime', value);
  for await (const rows of rowBatches(database, t, columns)) {
    const components = await componentValues(
      database,
      schema,
      type,
      rows.map((row) => Number(row.id)),
    );
    for (const row of rows) yield entity(type, row, readers, datetime, components.get(Number(row.id)));
  }
}

function entity(
  type: ContentType,
  row: Row,
  readers: readonly (readonly [string, (value: unknown) => unknown])[],
  datetime: (value: unknown) => unknown,
  components: Record<string, unknown> | undefined,
): EntityLine {
  const data: Record<string, unknown> = { documentId: row.document_id };
  for (const [name, read] of readers) data[name] = read(row[name]);
  data.createdAt = datetime(row.createdAt);
  data.updatedAt = datetime(row.updatedAt);
  data.publishedAt = datetime(row.publishedAt);
  // Strapi 5 gives every row a locale column: a localized type's row's locale, else null.
  data.locale = type.localized ? (row.locale ?? null) : null;
  Object.assign(data, components);
  if (type.uid === FILE_UID && data.formats) data.formats = inFormatOrder(data.formats);
  return { type: type.uid, id: Number(row.id), data };
}

const FORMAT_KEYS = ['name', 'hash', 'ext', 'mime', 'path', 'width', 'height', 'size', 'sizeInBytes', 'url'];

/**
 * A file's `formats` in the order the upload made them (the thumbnail, then the breakpoints from the
 * widest) with each format's keys in Strapi's order. They are stored as written, but PostgreSQL's jsonb
 * sorts keys; this brings back what a file row holds on SQLite and in Strapi.
 */
function inFormatOrder(formats: unknown): unknown {
  if (typeof formats !== 'object' || formats === null || Array.isArray(formats)) return formats;
  const entries = Object.entries(formats as Record<string, Record<string, unknown>>);
  const width = (format: Record<string, unknown>) => (typeof format?.width === 'number' ? format.width : 0);
  entries.sort(([a, x], [b, y]) => (a === 'thumbnail' ? -1 : b === 'thumbnail' ? 1 : width(y) - width(x)));
  return Object.fromEntries(
    entries.map(([name, format]) => {
      if (typeof format !== 'object' || format === null) return [name, format];
      const ordered: Record<string, unknown> = {};
      for (const key of FORMAT_KEYS) if (key in format) ordered[key] = format[key];
      for (const key of Object.keys(format)) if (!(key in ordered)) ordered[key] = format[key];
      return [name, ordered];
    }),
  );
}
