import { sql, type CompiledQuery, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ScalarAttribute } from '../schema/model.js';
import type { FilterNode, FindQuery, Status } from './types.js';

const ROOT = 't';
const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

export interface CompiledFind {
  readonly rows: CompiledQuery;
  /** Present when the pagination asks for a total. */
  readonly count?: CompiledQuery;
}

/** Turns a validated FindQuery into SQL: one statement for the page, one for the total. */
export function compileFind(
  database: Database,
  query: FindQuery,
  extra?: { documentId?: string },
): CompiledFind {
  const { db, dialect } = database;
  const table = query.type.tableName;
  const where = whereClause(database, query, extra);

  let rows = db
    .selectFrom(`${table} as ${ROOT}`)
    .select(query.fields.map((f) => dialect.selectColumn(ROOT, f.column, f.storage, f.name)))
    .where(where);
  for (const item of query.sort) {
    rows = rows.orderBy(sql.ref(`${ROOT}.${item.field.column}`), item.direction);
  }
  // The primary key breaks ties, so pages never overlap or skip rows.
  rows = rows.orderBy(sql.ref(`${ROOT}.id`), 'asc');
  const { limit, offset } = window(query);
  rows = rows.limit(limit).offset(offset);

  const count = query.pagination.withCount
    ? db
        .selectFrom(`${table} as ${ROOT}`)
        .select(sql<number>`count(*)`.as('count'))
        .where(where)
        .compile()
    : undefined;
  return { rows: rows.compile(), count };
}

export function window(query: FindQuery): { limit: number; offset: number } {
  const p = query.pagination;
  return p.mode === 'page'
    ? { limit: p.pageSize, offset: (p.page - 1) * p.pageSize }
    : { limit: p.limit, offset: p.start };
}

function whereClause(
  database: Database,
  query: FindQuery,
  extra?: { documentId?: string },
): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [statusCondition(query.status, ROOT)];
  if (extra?.documentId !== undefined)
    parts.push(sql<SqlBool>`${sql.ref(`${ROOT}.document_id`)} = ${extra.documentId}`);
  if (query.filters) parts.push(compileFilter(database, query.filters, ROOT));
  return parts.length === 1 ? parts[0] : sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Draft rows have no publication date; published rows do (a type without draft & publish has only those). */
export function statusCondition(status: Status, alias: string): RawBuilder<SqlBool> {
  return status === 'published'
    ? sql<SqlBool>`${sql.ref(`${alias}.published_at`)} is not null`
    : sql<SqlBool>`${sql.ref(`${alias}.published_at`)} is null`;
}

export function compileFilter(database: Database, node: FilterNode, alias: string): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${sql.join(
        node.children.map((c) => compileFilter(database, c, alias)),
        sql` and `,
      )})`;
    case 'or':
      return sql<SqlBool>`(${sql.join(
        node.children.map((c) => compileFilter(database, c, alias)),
        sql` or `,
      )})`;
    case 'not':
      return sql<SqlBool>`not (${compileFilter(database, node.child, alias)})`;
    case 'condition':
      return compileCondition(database, node.field, node.operator, node.value, alias);
    case 'related':
      throw new Error('related filters are compiled by the relations layer');
  }
}

function compileCondition(
  database: Database,
  field: ScalarAttribute,
  operator: string,
  value: unknown,
  alias: string,
): RawBuilder<SqlBool> {
  const { dialect } = database;
  const ref = sql.ref(`${alias}.${field.column}`);
  const param = (v: unknown) => sql.val(dialect.toDb(field.storage, v));
  const lowered = () => dialect.lower(ref);
  switch (operator) {
    case '$eq':
      return sql<SqlBool>`${ref} = ${param(value)}`;
    case '$ne':
      return sql<SqlBool>`${ref} <> ${param(value)}`;
    case '$eqi':
      return sql<SqlBool>`${lowered()} = ${(value as string).toLowerCase()}`;
    case '$nei':
      return sql<SqlBool>`${lowered()} <> ${(value as string).toLowerCase()}`;
    case '$lt':
      return sql<SqlBool>`${ref} < ${param(value)}`;
    case '$lte':
      return sql<SqlBool>`${ref} <= ${param(value)}`;
    case '$gt':
      return sql<SqlBool>`${ref} > ${param(value)}`;
    case '$gte':
      return sql<SqlBool>`${ref} >= ${param(value)}`;
    case '$in':
    case '$notIn': {
      const values = value as unknown[];
      if (values.length === 0) return operator === '$in' ? FALSE : TRUE;
      const list = sql.join(values.map(param));
      return operator === '$in' ? sql<SqlBool>`${ref} in (${list})` : sql<SqlBool>`${ref} not in (${list})`;
    }
    case '$between': {
      const [low, high] = value as unknown[];
      return sql<SqlBool>`${ref} between ${param(low)} and ${param(high)}`;
    }
    case '$null':
      return value ? sql<SqlBool>`${ref} is null` : sql<SqlBool>`${ref} is not null`;
    case '$notNull':
      return value ? sql<SqlBool>`${ref} is not null` : sql<SqlBool>`${ref} is null`;
    case '$contains':
      return dialect.match(ref, 'contains', value as string);
    case '$notContains':
      return sql<SqlBool>`not (${dialect.match(ref, 'contains', value as string)})`;
    case '$containsi':
      return dialect.match(lowered(), 'contains', (value as string).toLowerCase());
    case '$notContainsi':
      return sql<SqlBool>`not (${dialect.match(lowered(), 'contains', (value as string).toLowerCase())})`;
    case '$startsWith':
      return dialect.match(ref, 'startsWith', value as string);
    case '$startsWithi':
      return dialect.match(lowered(), 'startsWith', (value as string).toLowerCase());
    case '$endsWith':
      return dialect.match(ref, 'endsWith', value as string);
    case '$endsWithi':
      return dialect.match(lowered(), 'endsWith', (value as string).toLowerCase());
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}
