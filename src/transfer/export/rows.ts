import type { Database } from '../../db/types.js';
import type { Model, ScalarAttribute } from '../../core/schema/model.js';

/** Rows read per statement: bounds memory whatever the table's size. */
export const BATCH_SIZE = 500;

export type Row = Record<string, unknown>;

/** A model's scalar attributes (declared ones only: system columns are read by name). */
export function scalarAttributes(model: Model): ScalarAttribute[] {
  return [...model.attributes.values()].filter((a): a is ScalarAttribute => a.kind === 'scalar');
}

/**
 * Turns a stored value into its JSON form, as the content API writes it (ISO datetimes, booleans, parsed
 * JSON, 64-bit integers as strings). A `timestamp` stays an ISO datetime: that is what Strapi's export
 * holds for it (a Date), where its API answers epoch milliseconds.
 */
export function valueReader(database: Database, attribute: ScalarAttribute): (value: unknown) => unknown {
  const { dialect } = database;
  if (dialect.readsAsIs.has(attribute.storage)) return (value) => value ?? null;
  const storage = attribute.storage;
  return (value) => dialect.fromDb(storage, value);
}

/**
 * Every row of `table` in id order, `BATCH_SIZE` at a time by keyset (`id > last`), so no statement is
 * left open between batches: on SQLite a statement being iterated would block every other one on the
 * connection, and an offset would cost more the further it goes.
 */
export async function* rowBatches(
  database: Database,
  table: string,
  columns: readonly (string | ReturnType<Database['dialect']['selectColumn']>)[],
): AsyncGenerator<Row[]> {
  let last = 0;
  for (;;) {
    const rows = (await database.db
      .selectFrom(table)
      .select(columns as never)
      .where('id', '>', last)
      .orderBy('id')
      .limit(BATCH_SIZE)
      .execute()) as Row[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < BATCH_SIZE) return;
    last = Number(rows[rows.length - 1].id);
  }
}
