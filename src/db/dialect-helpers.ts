import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { LIST_PLACEHOLDER, type MatchMode, type SqlDialect } from './dialect.js';

/**
 * Built on a dialect's primitives, the same for every database (a dialect may offer faster forms of
 * the folded comparisons: SqlDialect.folded).
 */

/** Case-insensitive equality with full Unicode folding (String#toLowerCase); `value` is already lower-cased. */
export function equalsFolded(
  dialect: SqlDialect,
  expr: Expression<unknown>,
  value: string,
): RawBuilder<SqlBool> {
  return dialect.folded?.equals(expr, value) ?? sql<SqlBool>`${dialect.lower(expr)} = ${value}`;
}

/** Case-insensitive literal match with full Unicode folding; `value` is already lower-cased. */
export function matchFolded(
  dialect: SqlDialect,
  expr: Expression<unknown>,
  mode: MatchMode,
  value: string,
): RawBuilder<SqlBool> {
  return dialect.folded?.match(expr, mode, value) ?? dialect.match(dialect.lower(expr), mode, value);
}

/** A copy of a compiled query with every LIST_PLACEHOLDER parameter replaced by `values`. */
export function bindList<T extends { readonly parameters: readonly unknown[] }>(
  compiled: T,
  dialect: SqlDialect,
  values: readonly (number | string)[],
): T {
  const param = dialect.listParam(values);
  return { ...compiled, parameters: compiled.parameters.map((p) => (p === LIST_PLACEHOLDER ? param : p)) };
}
