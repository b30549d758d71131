import type { SqlDialect } from '../../db/dialect.js';
import type { ScalarAttribute } from '../schema/model.js';

export type Document = Record<string, unknown>;
export type RowSerializer = (row: Record<string, unknown>) => Document;

/**
 * Builds the function that turns a selected row (columns aliased to attribute names, in output order)
 * into an API document. Only fields whose stored form differs from the API form are touched, so the
 * common case (text, integers, ISO datetimes) costs nothing per field.
 */
export function rowSerializer(dialect: SqlDialect, fields: readonly ScalarAttribute[]): RowSerializer {
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
  if (converters.length === 0) return (row) => row;
  return (row) => {
    for (const [name, convert] of converters) row[name] = convert(row[name]);
    return row;
  };
}
