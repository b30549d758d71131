import { sql, type Expression } from 'kysely';
import { RENDERED_JSON_COLUMN, RENDERED_SHAPE_COLUMN, type SqlDialect } from '../../db/dialect.js';
import type { Model, ScalarAttribute } from '../schema/model.js';
import { jsonEntries, jsonObject, openObject, storedShape } from '../schema/stored-rendering.js';
import type { JoinedRelation } from './types.js';

/**
 * A page's documents written as JSON by the database: one text column per row, which the HTTP layer
 * joins into the response as it is. A read that renders skips building a JS object for each row and
 * stringifying it again.
 *
 * Rendering is all or nothing for a statement: every field, and every joined relation's fields, must
 * have a JSON form the dialect writes exactly as JSON.stringify writes its JS form; otherwise (floats on
 * SQLite, `timestamp` attributes, a database without JSON rendering, too many fields) this returns
 * undefined and the read takes the object path. Keys come in the order the object path produces them:
 * the fields, then the populated relations.
 *
 * Where the dialect keeps rendered documents in the rows (`stored`: SQLite, kept by triggers), a read of
 * a type's default fields takes the row's stored text instead of rendering it again — which is most of
 * the work: 12 instead of 35 µs for a page of 25 articles with a 1 KB body each. The stored text is
 * used only when its shape (the field list it was rendered from) is the reader's own, so a row written
 * before a schema change, or by a node on another schema version, is simply rendered live.
 */
export function renderedDocument(
  dialect: SqlDialect,
  model: Model,
  fields: readonly ScalarAttribute[],
  alias: string,
  joins: readonly JoinedRelation[] = [],
): Expression<string> | undefined {
  const shape = storedShape(dialect, model, fields);
  if (shape === undefined) return liveDocument(dialect, fields, alias, joins);
  // Stored text is an open object: close it, after appending the joined relations as text.
  const parts: Expression<string>[] = [storedOrLive(dialect, fields, alias, shape)];
  for (const join of joins) {
    const related = join.link.view.related;
    const relatedShape = storedShape(dialect, related, join.query.fields);
    const value =
      relatedShape === undefined
        ? jsonObject(dialect, join.query.fields, join.alias)
        : sql<string>`${storedOrLive(dialect, join.query.fields, join.alias, relatedShape)} || '}'`;
    if (!value) return undefined;
    parts.push(sql.lit(`,${JSON.stringify(join.name)}:`), whenLinked(join, value, sql.lit('null')));
  }
  // One concat() copies every part once; a chain of || copies the growing text at each step.
  return sql<string>`concat(${sql.join([...parts, sql.lit('}')])})`;
}

/** `value` where the join found a visible related row, else `none` (JSON null: SQL NULL or the text). */
function whenLinked(
  join: JoinedRelation,
  value: Expression<unknown>,
  none: Expression<unknown>,
): Expression<string> {
  // The joined row's id is null exactly when nothing visible is linked (LEFT JOIN, see compile.ts).
  return sql<string>`(case when ${sql.ref(`${join.alias}.id`)} is null then ${none} else ${value} end)`;
}

/** Every field rendered in the statement, joined relations as nested objects. */
function liveDocument(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
  joins: readonly JoinedRelation[],
): Expression<string> | undefined {
  const json = dialect.json;
  if (!json || fields.length + joins.length > json.maxEntries) return undefined;
  const entries = jsonEntries(dialect, fields, alias);
  if (!entries) return undefined;
  for (const join of joins) {
    const related = jsonObject(dialect, join.query.fields, join.alias);
    if (!related) return undefined;
    entries.push([join.name, whenLinked(join, related, sql`null`)]);
  }
  return json.object(entries);
}

/** The row's stored open object when it has this shape, else the same text rendered live. */
function storedOrLive(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
  shape: string,
): Expression<string> {
  return sql<string>`(case when ${sql.ref(`${alias}.${RENDERED_SHAPE_COLUMN}`)} = ${sql.lit(shape)} then ${sql.ref(`${alias}.${RENDERED_JSON_COLUMN}`)} else ${openObject(dialect, fields, alias)} end)`;
}

/** The JSON array of rendered rows, in their order. */
export function renderedArray(rows: readonly Record<string, unknown>[]): string {
  let text = '[';
  for (let i = 0; i < rows.length; i++) text += (i ? ',' : '') + (rows[i][RENDERED] as string);
  return `${text}]`;
}

/** The result column that holds a row's rendered document. */
export const RENDERED = 'document';
