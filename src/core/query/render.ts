import { sql, type Expression } from 'kysely';
import type { SqlDialect } from '../../db/dialect.js';
import type { ScalarAttribute } from '../schema/model.js';
import type { JoinedRelation } from './compile.js';

/**
 * A page's documents written as JSON by the database: one text column per row, which the HTTP layer
 * joins into the response as it is. A read that renders skips building a JS object for each row and
 * stringifying it again — for a 25-document list that is most of the CPU Quorum itself spends on the
 * request (measured on SQLite: 86 µs to read, convert and stringify the page, 43 µs to read it rendered).
 *
 * Rendering is all or nothing for a statement: every field, and every joined relation's fields, must
 * have a JSON form the dialect writes exactly as JSON.stringify writes its JS form; otherwise (floats on
 * SQLite, `timestamp` attributes, a database without JSON rendering, too many fields) this returns
 * undefined and the read takes the object path. Keys come in the order the object path produces them:
 * the fields, then the populated relations.
 */
export function renderedDocument(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
  joins: readonly JoinedRelation[] = [],
): Expression<string> | undefined {
  const json = dialect.json;
  if (!json || fields.length + joins.length > json.maxEntries) return undefined;
  const entries: [string, Expression<unknown>][] = [];
  for (const field of fields) {
    // Strapi answers `timestamp` attributes as epoch milliseconds in a string, computed in JS.
    if (field.type === 'timestamp') return undefined;
    const value = json.value(sql.ref(`${alias}.${field.column}`), field.storage);
    if (!value) return undefined;
    entries.push([field.name, value]);
  }
  for (const join of joins) {
    const related = renderedDocument(dialect, join.query.fields, join.alias);
    if (!related) return undefined;
    // The joined row's id is null exactly when nothing visible is linked (LEFT JOIN, see compile.ts).
    entries.push([
      join.name,
      sql`(case when ${sql.ref(`${join.alias}.id`)} is null then null else ${related} end)`,
    ]);
  }
  return json.object(entries);
}

/** The JSON array of rendered rows, in their order. */
export function renderedArray(rows: readonly Record<string, unknown>[]): string {
  let text = '[';
  for (let i = 0; i < rows.length; i++) text += (i ? ',' : '') + (rows[i][RENDERED] as string);
  return `${text}]`;
}

/** The result column that holds a row's rendered document. */
export const RENDERED = 'document';
