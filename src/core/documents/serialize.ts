import type { SqlDialect } from '../../db/dialect.js';
import type { ScalarAttribute } from '../schema/model.js';

export type Document = Record<string, unknown>;
export type RowSerializer = (row: Record<string, unknown>) => Document;

/**
 * Builds the function that turns a selected row (columns aliased to attribute names, in output order)
 * into an API document. Only fields whose stored form differs from the API form are touched, so the
 * common case (text, integers, ISO datetimes) costs nothing per field.
 *
 * `copy` builds a new object holding only the fields, for rows that carry helper columns (a parent key,
 * a position): deleting those from the row instead would switch it to V8's slow dictionary mode, which
 * makes every later property access and JSON.stringify of it several times slower. `columns` names the
 * row column of each field when it is not the field's name (a joined relation's columns).
 */
export function rowSerializer(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  options: { copy?: boolean; columns?: readonly string[] } = {},
): RowSerializer {
  const converters: [string, (value: unknown) => unknown][] = [];
  for (const field of fields) {
    if (field.type === 'timestamp') {
      // Strapi returns `timestamp` attributes as a string of epoch milliseconds.
      converters.push([
        field.name,
        (v) => (v === null ? null : String(Date.parse(dialect.fromDb('datetime', v) as string))),
      ]);
    } else if (!dialect.readsAsIs.has(field.storage)) {
      const storage = field.storage;
      converters.push([field.name, (v) => dialect.fromDb(storage, v)]);
    }
  }
  const convert = (row: Record<string, unknown>): Document => {
    for (const [name, converter] of converters) row[name] = converter(row[name]);
    return row;
  };
  if (options.copy) {
    const pairs = fields.map((field, i) => [options.columns?.[i] ?? field.name, field.name] as const);
    const pick = (row: Record<string, unknown>): Document => {
      const document: Document = {};
      for (const [column, name] of pairs) document[name] = row[column];
      return document;
    };
    return converters.length === 0 ? pick : (row) => convert(pick(row));
  }
  return converters.length === 0 ? (row) => row : convert;
}
