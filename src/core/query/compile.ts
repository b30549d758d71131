import {
  type AliasedRawBuilder,
  sql,
  type CompiledQuery,
  type Expression,
  type OrderByModifiersCallbackExpression,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import { equalsFolded, matchFolded } from '../../db/dialect-helpers.js';
import type { Database } from '../../db/types.js';
import type { Model, ScalarAttribute } from '../schema/model.js';
import {
  linkedModel,
  type FilterNode,
  type FindQuery,
  type JoinedRelation,
  type PublicationFilter,
  type RelatedLink,
  type LocaleSelection,
  type SortItem,
  type Status,
} from './types.js';
import { ALL_LOCALES } from './locale.js';
import { RENDERED, renderedDocument } from './render.js';

const ROOT = 't';
const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

/**
 * What compiling needs besides the query: the database (for its dialect), the request's status (related
 * documents are matched in their version of that status), its locale (related documents of localized
 * types are matched in it, see `relatedLocale`) and fresh aliases for nested subqueries.
 */
export class SqlScope {
  #next = 0;
  constructor(
    readonly database: Database,
    readonly status: Status,
    readonly locale: LocaleSelection = undefined,
  ) {}

  alias(prefix: string): string {
    return `${prefix}${++this.#next}`;
  }
}

export interface CompiledFind {
  readonly rows: CompiledQuery;
  /** Present when the pagination asks for a total. */
  readonly count?: CompiledQuery;
  /**
   * The same page with each row rendered as one JSON document by the database (column RENDERED), when
   * asked for and the database can render every field (see render.ts).
   */
  readonly rendered?: CompiledQuery;
}

/** Turns a validated FindQuery into SQL: one statement for the page, one for the total. */
export function compileFind(
  database: Database,
  query: FindQuery,
  extra?: { documentId?: string; joins?: readonly JoinedRelation[]; render?: boolean },
): CompiledFind {
  const { db, dialect } = database;
  const scope = new SqlScope(database, query.status, query.locale);
  const table = query.type.tableName;
  const where = whereClause(scope, query, extra);

  const joins = (extra?.joins ?? []).map((join) => toOneJoin(scope, join));
  const from = joins.length
    ? sql`${sql.table(table)} as ${sql.id(ROOT)} ${sql.join(
        joins.map((j) => j.from),
        sql` `,
      )}`
    : sql`${sql.table(table)} as ${sql.id(ROOT)}`;
  const page = (select: readonly AliasedRawBuilder<unknown, string>[]) => {
    let rows = db
      .selectFrom(from as never)
      .select(select as AliasedRawBuilder<unknown, string>[])
      .where(where);
    for (const item of query.sort)
      rows = rows.orderBy(sortExpression(scope, item, ROOT), nullsSmallest(item.direction));
    // The primary key breaks ties, so pages never overlap or skip rows — in the direction of the last
    // sort key, so that an index on (column, id) serves the whole ORDER BY without a sort.
    rows = rows.orderBy(sql.ref(`${ROOT}.id`), query.sort.at(-1)?.direction ?? 'asc');
    const { limit, offset } = window(query);
    return rows.limit(integerLiteral(limit)).offset(integerLiteral(offset)).compile();
  };
  const rows = page([
    ...query.fields.map((f) => dialect.selectColumn(ROOT, f.column, f.storage, f.name)),
    ...joins.flatMap((j) => j.columns),
  ]);
  const document = extra?.render
    ? renderedDocument(dialect, query.type, query.fields, ROOT, extra.joins)
    : undefined;

  const count = query.pagination.withCount
    ? db
        .selectFrom(`${table} as ${ROOT}`)
        .select(sql<number>`count(*)`.as('count'))
        .where(where)
        .compile()
    : undefined;
  return { rows, count, rendered: document && page([sql`${document}`.as(RENDERED)]) };
}

/**
 * A validated integer written into the SQL text rather than bound. SQLite plans with the value of a bound
 * LIMIT or OFFSET, so rebinding one — on every run of a cached statement — makes it re-prepare the
 * statement (measured: 30 µs instead of 7 for a one-row read by documentId). Literal values make one
 * statement per page window, which the driver's statement cache keeps.
 */
export function integerLiteral(value: number): RawBuilder<number> {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`not a row count: ${value}`);
  return sql.lit(value);
}

/**
 * NULLs sort as the smallest value on every database (SQLite's rule; PostgreSQL's default is the
 * opposite), so the same query returns the same order on both.
 */
export function nullsSmallest(direction: 'asc' | 'desc'): OrderByModifiersCallbackExpression {
  return direction === 'asc' ? (ob) => ob.asc().nullsFirst() : (ob) => ob.desc().nullsLast();
}

export function window(query: FindQuery): { limit: number; offset: number } {
  const p = query.pagination;
  // A page far beyond the last one is simply empty; capping its offset keeps the product an exact integer.
  return p.mode === 'page'
    ? { limit: p.pageSize, offset: Math.min((p.page - 1) * p.pageSize, Number.MAX_SAFE_INTEGER) }
    : { limit: p.limit, offset: p.start };
}

function toOneJoin(
  scope: SqlScope,
  join: JoinedRelation,
): { from: RawBuilder<unknown>; columns: AliasedRawBuilder<unknown, string>[] } {
  const { dialect } = scope.database;
  const { alias, query } = join;
  const { storage, related } = join.link.view;
  const l = `${alias}_l`;
  const conditions = [
    sql<SqlBool>`${sql.ref(`${alias}.document_id`)} = ${sql.ref(`${l}.target_document_id`)}`,
  ];
  const visible = visibleRows(related, scope.status, alias);
  if (visible) conditions.push(visible);
  const locale = relatedLocale(scope, join.link, alias, ROOT);
  if (locale) conditions.push(locale);
  if (query.filters) conditions.push(compileFilter(scope, query.filters, alias));
  return {
    from: sql`left join ${sql.table(storage.table)} as ${sql.id(l)} on ${sql.ref(`${l}.source_id`)} = ${sql.ref(`${ROOT}.id`)} left join ${sql.table(related.tableName)} as ${sql.id(alias)} on ${conjunction(conditions)}`,
    columns: [
      ...(joinMarker(join) === alias ? [sql`${sql.ref(`${alias}.id`)}`.as(alias)] : []),
      ...query.fields.map((f, i) => dialect.selectColumn(alias, f.column, f.storage, joinedColumn(join, i))),
    ],
  };
}

/** The result column of a joined relation's `index`-th field. */
export function joinedColumn(join: JoinedRelation, index: number): string {
  return `${join.alias}_${index}`;
}

/** The result column that is null exactly when nothing visible is linked: the related id. */
export function joinMarker(join: JoinedRelation): string {
  const id = join.query.fields.findIndex((field) => field.name === 'id');
  return id >= 0 ? joinedColumn(join, id) : join.alias;
}

function whereClause(
  scope: SqlScope,
  query: FindQuery,
  extra?: { documentId?: string },
): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [statusCondition(scope.status, ROOT)];
  const locale = localeCondition(query.type, query.locale, ROOT);
  if (locale) parts.push(locale);
  if (extra?.documentId !== undefined)
    parts.push(sql<SqlBool>`${sql.ref(`${ROOT}.document_id`)} = ${extra.documentId}`);
  for (const cohort of query.publication) {
    const condition = publicationCondition(query.type, cohort, scope.status, ROOT);
    if (condition) parts.push(condition);
  }
  if (query.filters) parts.push(compileFilter(scope, query.filters, ROOT));
  return conjunction(parts);
}

/**
 * Strapi's `publicationFilter` cohorts (packages/core/utils/src/publication-filter.ts): the rows of the
 * requested status whose document's other version exists or not, and is newer or not. Undefined (no
 * condition) on a type without draft & publish, as there.
 */
export function publicationCondition(
  type: FindQuery['type'],
  cohort: PublicationFilter,
  status: Status,
  alias: string,
): RawBuilder<SqlBool> | undefined {
  if (!type.draftAndPublish) return undefined;
  const updated = type.fields.get('updatedAt')!.column;
  const other = 'pv';
  // The `-document` cohorts look at any locale's other version; the others at the same locale's (Strapi's
  // publication-filter.ts). Without localization there is one locale.
  const sameLocale =
    type.localized && !cohort.endsWith('-document')
      ? sql` and ${sql.ref(`${other}.locale`)} = ${sql.ref(`${alias}.locale`)}`
      : sql``;
  // The document's row of the other status, optionally compared by last update (draft newer: modified).
  const otherVersion = (compare?: '>' | '<=') => {
    const [draft, published] = status === 'draft' ? [alias, other] : [other, alias];
    const newer = compare
      ? sql` and ${sql.ref(`${draft}.${updated}`)} ${sql.raw(compare)} ${sql.ref(`${published}.${updated}`)}`
      : sql``;
    return sql<SqlBool>`exists (select 1 from ${sql.table(type.tableName)} as ${sql.id(other)} where ${sql.ref(`${other}.document_id`)} = ${sql.ref(`${alias}.document_id`)} and ${statusCondition(status === 'draft' ? 'published' : 'draft', other)}${sameLocale}${newer})`;
  };
  switch (cohort) {
    case 'never-published':
    case 'never-published-document':
      return status === 'published' ? FALSE : sql<SqlBool>`not ${otherVersion()}`;
    case 'has-published-version':
    case 'has-published-version-document':
    case 'published-with-draft':
      if (cohort === 'published-with-draft' && status === 'draft') return FALSE;
      return otherVersion();
    case 'published-without-draft':
      return status === 'draft' ? FALSE : sql<SqlBool>`not ${otherVersion()}`;
    case 'modified':
      return otherVersion('>');
    case 'unmodified':
      return otherVersion('<=');
  }
}

export function conjunction(parts: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return TRUE;
  return parts.length === 1 ? parts[0] : sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Draft rows have no publication date; published rows do (a type without draft & publish has only those). */
export function statusCondition(status: Status, alias: string): RawBuilder<SqlBool> {
  return status === 'published'
    ? sql<SqlBool>`${sql.ref(`${alias}.published_at`)} is not null`
    : sql<SqlBool>`${sql.ref(`${alias}.published_at`)} is null`;
}

/** Rows of a localized type in one locale (none for `*`, or for a type that is not localized). */
export function localeCondition(
  model: Model,
  locale: LocaleSelection,
  alias: string,
): RawBuilder<SqlBool> | undefined {
  if (!isLocalized(model) || locale === undefined || locale === ALL_LOCALES) return undefined;
  return sql<SqlBool>`${sql.ref(`${alias}.locale`)} = ${locale}`;
}

function isLocalized(model: Model): boolean {
  return model.modelType === 'contentType' && model.localized;
}

/**
 * Which locale of a localized type's documents a relation yields, as Strapi links rows of one locale:
 * read from a localized row (or a component of one), the version in that row's locale — the request's
 * locale, or, for `locale=*`, the locale of the row `outer` where the statement has it; read from a type
 * that is not localized, every locale's version (recorded: tags-populate-articles.json). The model a
 * relation is read from is its owner, or its target on the inverse side.
 */
export function relatedLocale(
  scope: SqlScope,
  link: RelatedLink,
  inner: string,
  outer?: string,
): RawBuilder<SqlBool> | undefined {
  if (link.kind !== 'relation' || !isLocalized(link.view.related)) return undefined;
  const from = link.view.side === 'owner' ? link.view.storage.owner : link.view.storage.target;
  if (from.modelType === 'contentType' && !from.localized) return undefined;
  if (scope.locale !== undefined && scope.locale !== ALL_LOCALES)
    return localeCondition(link.view.related, scope.locale, inner);
  if (outer && from.modelType === 'contentType')
    return sql<SqlBool>`${sql.ref(`${inner}.locale`)} = ${sql.ref(`${outer}.locale`)}`;
  return undefined;
}

/**
 * Which rows of a related model a request sees: for a content type, its version of the request's status
 * (or its published rows when it has no draft & publish); components have no status.
 */
export function visibleRows(model: Model, status: Status, alias: string): RawBuilder<SqlBool> | undefined {
  if (model.modelType === 'component') return undefined;
  return statusCondition(model.draftAndPublish ? status : 'published', alias);
}

/**
 * A filter tree as SQL, with the meaning Strapi's LEFT JOINs give it. Strapi joins every relation and
 * component a filter names (a row of nulls standing for "none") and keeps a document when some joined
 * row satisfies the whole WHERE. Quorum reads each related node as one semi-join instead, which gives
 * the same answers when negations are pushed down to the conditions (`negated`: De Morgan through
 * `$and`/`$or`, and into a relation, where "not: some related row matches" becomes "some related row
 * does not match", as it is per joined row), and when a document without related rows is matched
 * against a row of nulls (see `onRowOfNulls`). SQL's three-valued logic then does the rest, inside
 * each subquery as in Strapi's single statement.
 */
export function compileFilter(
  scope: SqlScope,
  node: FilterNode,
  alias: string,
  negated = false,
): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const joiner = (node.kind === 'and') !== negated ? sql` and ` : sql` or `;
      return sql<SqlBool>`(${sql.join(
        node.children.map((c) => compileFilter(scope, c, alias, negated)),
        joiner,
      )})`;
    }
    case 'not':
      return compileFilter(scope, node.child, alias, !negated);
    case 'condition': {
      const condition = compileCondition(scope.database, node.field, node.operator, node.value, alias);
      return negated ? sql<SqlBool>`not (${condition})` : condition;
    }
    case 'related':
      return compileRelated(scope, node, alias, negated);
  }
}

type RelatedNode = Extract<FilterNode, { kind: 'related' }>;

function compileRelated(
  scope: SqlScope,
  node: RelatedNode,
  outer: string,
  negated: boolean,
): RawBuilder<SqlBool> {
  const { link, child, restrict } = node;
  if (!child) {
    const any = relatedExists(scope, link, outer, restrict);
    return node.exists !== negated ? any : sql<SqlBool>`not ${any}`;
  }
  if (!node.exists) return compileRelated(scope, { ...node, exists: true }, outer, !negated);
  const where = (inner: string) => compileFilter(scope, child, inner, negated);
  // Without related rows, the document is matched against the row of nulls its LEFT JOIN would give.
  if (node.rowRequired || onRowOfNulls(child) !== (negated ? 'false' : 'true'))
    return relatedExists(scope, link, outer, restrict, where);
  // "Some related row matches, or there is none", as two uncorrelated sets of outer keys: PostgreSQL
  // plans a correlated EXISTS under OR twice (as it is and as a hashed set, keeping the cheaper), so
  // nested hops of them cost planning time exponential in the path's length (measured: 1.2 s for 10
  // hops); a key IN a set is planned once.
  const some = relatedKeys(scope, link, outer, restrict, where);
  const any = relatedKeys(scope, link, outer, restrict);
  return sql<SqlBool>`(${some} or not ${any})`;
}

/**
 * Whether the row `outer` has a visible related row (matching `where`, when given), as `outer.<key> in
 * (the keys of rows that have one)`: uncorrelated, computed once per statement.
 */
function relatedKeys(
  scope: SqlScope,
  link: RelatedLink,
  outer: string,
  restrict: FilterNode | undefined,
  where?: (inner: string) => RawBuilder<SqlBool>,
): RawBuilder<SqlBool> {
  const inner = scope.alias('r');
  const model = linkedModel(link);
  // Uncorrelated: for `locale=*` a related row of any locale counts (relatedExists compares locales).
  const conditions = relatedConditions(scope, link, inner, restrict, where);
  const rows = sql`${sql.table(model.tableName)} as ${sql.id(inner)}`;
  const fence = scope.database.dialect.setFence;
  if (link.kind === 'component') {
    const owned = conjunction([
      sql<SqlBool>`${sql.ref(`${inner}.parent_type`)} = ${link.parentUid}`,
      sql<SqlBool>`${sql.ref(`${inner}.field`)} = ${link.field}`,
      ...conditions,
    ]);
    return sql<SqlBool>`${sql.ref(`${outer}.id`)} in (select ${sql.ref(`${inner}.parent_id`)} from ${rows} where ${owned}${fence})`;
  }
  if (link.kind === 'localizations') {
    // The ids of rows that have another locale's row (of the same status) matching.
    const self = `${inner}_s`;
    const others = conjunction([
      sql<SqlBool>`${sql.ref(`${inner}.document_id`)} = ${sql.ref(`${self}.document_id`)}`,
      sql<SqlBool>`${sql.ref(`${inner}.id`)} <> ${sql.ref(`${self}.id`)}`,
      ...conditions,
    ]);
    return sql<SqlBool>`${sql.ref(`${outer}.id`)} in (select ${sql.ref(`${self}.id`)} from ${sql.table(model.tableName)} as ${sql.id(self)} join ${rows} on ${others}${fence})`;
  }
  const { storage, side } = link.view;
  const l = `${inner}_l`;
  const [outerColumn, linkOuter, linkInner, innerColumn] =
    side === 'owner'
      ? ['id', 'source_id', 'target_document_id', 'document_id']
      : ['document_id', 'target_document_id', 'source_id', 'id'];
  const matching = sql`select ${sql.ref(`${inner}.${innerColumn}`)} from ${rows} where ${conjunction(conditions)}${fence}`;
  return sql<SqlBool>`${sql.ref(`${outer}.${outerColumn}`)} in (select ${sql.ref(`${l}.${linkOuter}`)} from ${sql.table(storage.table)} as ${sql.id(l)} where ${sql.ref(`${l}.${linkInner}`)} in (${matching})${fence})`;
}

/** Which rows of a related model count: visible in the request's status, within `restrict`, matching `where`. */
function relatedConditions(
  scope: SqlScope,
  link: RelatedLink,
  inner: string,
  restrict: FilterNode | undefined,
  where?: (inner: string) => RawBuilder<SqlBool>,
  outer?: string,
): RawBuilder<SqlBool>[] {
  const model = linkedModel(link);
  const conditions: RawBuilder<SqlBool>[] = [];
  const visible = visibleRows(model, scope.status, inner);
  if (visible) conditions.push(visible);
  const locale = relatedLocale(scope, link, inner, outer);
  if (locale) conditions.push(locale);
  if (restrict) conditions.push(compileFilter(scope, restrict, inner));
  if (where) conditions.push(where(inner));
  return conditions;
}

type Truth = 'true' | 'false' | 'unknown';

/**
 * What a filter answers, in SQL's three-valued logic, for a row whose every column is null: the row a
 * LEFT JOIN gives for a document with no related row. Only null tests are true or false of it; any
 * other comparison with null is unknown.
 */
export function onRowOfNulls(node: FilterNode): Truth {
  switch (node.kind) {
    case 'and': {
      const values = node.children.map(onRowOfNulls);
      return values.includes('false') ? 'false' : values.includes('unknown') ? 'unknown' : 'true';
    }
    case 'or': {
      const values = node.children.map(onRowOfNulls);
      return values.includes('true') ? 'true' : values.includes('unknown') ? 'unknown' : 'false';
    }
    case 'not': {
      const value = onRowOfNulls(node.child);
      return value === 'true' ? 'false' : value === 'false' ? 'true' : 'unknown';
    }
    case 'condition':
      switch (node.operator) {
        case '$null':
          return node.value ? 'true' : 'false';
        case '$notNull':
          return node.value ? 'false' : 'true';
        case '$in':
          // An empty list compiles to a constant (compileCondition).
          return (node.value as unknown[]).length === 0 ? 'false' : 'unknown';
        case '$notIn':
          return (node.value as unknown[]).length === 0 ? 'true' : 'unknown';
        default:
          return 'unknown';
      }
    case 'related':
      // The nulls have no related rows either: their own LEFT JOIN gives nulls again.
      if (node.child) {
        const value = onRowOfNulls(node.child);
        if (node.exists) return value;
        return value === 'true' ? 'false' : value === 'false' ? 'true' : 'unknown';
      }
      return node.exists ? 'false' : 'true';
  }
}

/**
 * Whether the row `outer` has a visible related row (matching `where`, when given). Only the first hop
 * is correlated with `outer`: the related rows that match are an uncorrelated `in (…)` set, which both
 * databases compute once per statement, and `where`'s own relation hops nest the same way inside it. A
 * path of n relations therefore costs n set computations (twice that at most, with the test for no
 * related row at all); correlating every hop (exists inside exists) made it cost the product of the
 * fan-outs along the path, exponential in its length (a 200-character `filters[author][articles][author]…`
 * blocked a node for seconds). Components are read through their parent row directly: they hang off
 * one row, and their nesting is bounded by the schema.
 */
function relatedExists(
  scope: SqlScope,
  link: RelatedLink,
  outer: string,
  restrict: FilterNode | undefined,
  where?: (inner: string) => RawBuilder<SqlBool>,
): RawBuilder<SqlBool> {
  const inner = scope.alias('r');
  const model = linkedModel(link);
  const conditions = relatedConditions(scope, link, inner, restrict, where, outer);
  const rows = sql`${sql.table(model.tableName)} as ${sql.id(inner)}`;
  if (link.kind === 'component') {
    const all = conjunction([componentOf(link, sql.ref(`${outer}.id`), inner), ...conditions]);
    return sql<SqlBool>`exists (select 1 from ${rows} where ${all})`;
  }
  if (link.kind === 'localizations') {
    const all = conjunction([
      sql<SqlBool>`${sql.ref(`${inner}.document_id`)} = ${sql.ref(`${outer}.document_id`)}`,
      sql<SqlBool>`${sql.ref(`${inner}.id`)} <> ${sql.ref(`${outer}.id`)}`,
      ...conditions,
    ]);
    return sql<SqlBool>`exists (select 1 from ${rows} where ${all})`;
  }
  const { storage, side } = link.view;
  const l = `${inner}_l`;
  const links = sql`${sql.table(storage.table)} as ${sql.id(l)}`;
  const [outerColumn, linkOuter, linkInner, innerColumn] =
    side === 'owner'
      ? ['id', 'source_id', 'target_document_id', 'document_id']
      : ['document_id', 'target_document_id', 'source_id', 'id'];
  // The fence keeps PostgreSQL from merging the set into the outer query's joins, where it planned
  // nested loops that evaluate the deeper hops again for every row of the hop above (exponential
  // again); fenced, every hop is computed once, by hash joins.
  const matching = sql`select ${sql.ref(`${inner}.${innerColumn}`)} from ${rows} where ${conjunction(conditions)}${scope.database.dialect.setFence}`;
  return sql<SqlBool>`exists (select 1 from ${links} where ${sql.ref(`${l}.${linkOuter}`)} = ${sql.ref(`${outer}.${outerColumn}`)} and ${sql.ref(`${l}.${linkInner}`)} in (${matching}))`;
}

/** The component rows of `link` whose parent row has the id `parentId`, as `inner`. */
function componentOf(
  link: Extract<RelatedLink, { kind: 'component' }>,
  parentId: Expression<unknown>,
  inner: string,
): RawBuilder<SqlBool> {
  return conjunction([
    sql<SqlBool>`${sql.ref(`${inner}.parent_id`)} = ${parentId}`,
    sql<SqlBool>`${sql.ref(`${inner}.parent_type`)} = ${link.parentUid}`,
    sql<SqlBool>`${sql.ref(`${inner}.field`)} = ${link.field}`,
  ]);
}

/** The column of a row that a hop through `link` starts from: its document id on a relation's inverse side. */
function hopKey(link: RelatedLink): 'id' | 'document_id' {
  return link.kind === 'relation' && link.view.side === 'inverse' ? 'document_id' : 'id';
}

/**
 * FROM and WHERE reading, as `inner`, the rows linked to the row whose `hopKey(link)` column is `key`:
 * through the link table of a relation (either side), or the component rows pointing back at it.
 */
function relatedRows(
  scope: SqlScope,
  link: RelatedLink,
  key: Expression<unknown>,
  inner: string,
): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool>; order: Expression<unknown> } {
  const model = linkedModel(link);
  const visible = [visibleRows(model, scope.status, inner), relatedLocale(scope, link, inner)].filter(
    (c): c is RawBuilder<SqlBool> => c !== undefined,
  );
  const onVisible = visible.length ? sql` and ${conjunction(visible)}` : sql``;
  if (link.kind === 'component') {
    return {
      from: sql`${sql.table(model.tableName)} as ${sql.id(inner)}`,
      where: componentOf(link, key, inner),
      order: sql.ref(`${inner}.ord`),
    };
  }
  if (link.kind === 'localizations') {
    // Sorting through `localizations` is not parsed (sort.ts names declared attributes only).
    throw new Error('localizations cannot be sorted on');
  }
  const { storage, side } = link.view;
  const l = `${inner}_l`;
  if (side === 'owner') {
    return {
      from: sql`${sql.table(storage.table)} as ${sql.id(l)} join ${sql.table(model.tableName)} as ${sql.id(inner)} on ${sql.ref(`${inner}.document_id`)} = ${sql.ref(`${l}.target_document_id`)}${onVisible}`,
      where: sql<SqlBool>`${sql.ref(`${l}.source_id`)} = ${key}`,
      order: sql.ref(`${l}.source_ord`),
    };
  }
  return {
    from: sql`${sql.table(storage.table)} as ${sql.id(l)} join ${sql.table(model.tableName)} as ${sql.id(inner)} on ${sql.ref(`${inner}.id`)} = ${sql.ref(`${l}.source_id`)}${onVisible}`,
    where: sql<SqlBool>`${sql.ref(`${l}.target_document_id`)} = ${key}`,
    order: sql.ref(`${l}.target_ord`),
  };
}

/** The value a sort item orders by: a column, or the first related row's column through relations. */
export function sortExpression(
  scope: SqlScope,
  item: Pick<SortItem, 'steps' | 'field'>,
  alias: string,
): Expression<unknown> {
  return pathValue(scope, item.steps, item.field, alias);
}

function pathValue(
  scope: SqlScope,
  steps: readonly RelatedLink[],
  field: ScalarAttribute,
  alias: string,
): Expression<unknown> {
  if (steps.length === 0) return sql.ref(`${alias}.${field.column}`);
  // Each hop selects one plain column of the first related row — the key the next hop starts from, or
  // the sorted field at the end — so each hop runs once per sorted row and the cost grows with the
  // path's length. (Selecting the next hop's subquery instead made every candidate row of a hop
  // evaluate it before ORDER BY … LIMIT 1 kept one: exponential in the length of the path.)
  let key: Expression<unknown> = sql.ref(`${alias}.${hopKey(steps[0])}`);
  steps.forEach((step, i) => {
    const inner = scope.alias('s');
    const next = steps[i + 1];
    const value = sql.ref(`${inner}.${next ? hopKey(next) : field.column}`);
    const related = relatedRows(scope, step, key, inner);
    key = sql`(select ${value} from ${related.from} where ${related.where} order by ${related.order}, ${sql.ref(`${inner}.id`)} limit 1)`;
  });
  return key;
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
  switch (operator) {
    case '$eq':
      return sql<SqlBool>`${ref} = ${param(value)}`;
    case '$ne':
      return sql<SqlBool>`${ref} <> ${param(value)}`;
    case '$eqi':
      return equalsFolded(dialect, ref, (value as string).toLowerCase());
    case '$nei':
      return sql<SqlBool>`not (${equalsFolded(dialect, ref, (value as string).toLowerCase())})`;
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
      return matchFolded(dialect, ref, 'contains', (value as string).toLowerCase());
    case '$notContainsi':
      return sql<SqlBool>`not (${matchFolded(dialect, ref, 'contains', (value as string).toLowerCase())})`;
    case '$startsWith':
      return dialect.match(ref, 'startsWith', value as string);
    case '$startsWithi':
      return matchFolded(dialect, ref, 'startsWith', (value as string).toLowerCase());
    case '$endsWith':
      return dialect.match(ref, 'endsWith', value as string);
    case '$endsWithi':
      return matchFolded(dialect, ref, 'endsWith', (value as string).toLowerCase());
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}
