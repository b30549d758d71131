import { sql, type CompiledQuery, type RawBuilder, type SqlBool } from 'kysely';
import { LIST_PLACEHOLDER } from '../../db/dialect.js';
import { bindList } from '../../db/dialect-helpers.js';
import type { Database } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import {
  SqlScope,
  compileFilter,
  joinMarker,
  joinedColumn,
  conjunction,
  nullsSmallest,
  relatedLocale,
  sortExpression,
  visibleRows,
} from '../query/compile.js';
import type {
  JoinedRelation,
  LocaleSelection,
  PopulateNode,
  RelatedLink,
  Status,
  SubQuery,
} from '../query/types.js';
import { queryTooCostly } from '../errors.js';
import { ALL_LOCALES } from '../query/locale.js';
import type { Component } from '../schema/model.js';
import { rowSerializer, type Document, type RowSerializer } from './serialize.js';

/**
 * Population runs one query per populated attribute (one per component type for a dynamic zone), for
 * all parent rows at once: the parents' keys are bound as a single list parameter. The number of
 * queries therefore depends on the populate tree, never on the number of documents. Plans are compiled
 * once per query shape and cached with the read plan.
 *
 * A read's own top-level to-one relations are the exception: they are LEFT JOINed into the page's
 * statement (see `planReadPopulate`), which costs SQLite about half of a separate batched query — the
 * link lookups, the list parameter and the second statement all go — and they are read from its rows.
 */
export interface PopulatePlan {
  readonly nodes: readonly NodePlan[];
}

type NodePlan =
  | {
      readonly kind: 'link';
      readonly name: string;
      readonly toMany: boolean;
      readonly count: boolean;
      /** Parent rows are matched on their id, or on their documentId (inverse side of a relation). */
      readonly parentKey: 'id' | 'documentId';
      /** `localizations`: the parent's own row, which shares its documentId, is not one of them. */
      readonly otherRows: boolean;
      readonly query: CompiledQuery;
      readonly serialize: RowSerializer;
      readonly children: PopulatePlan;
    }
  | {
      readonly kind: 'dynamiczone';
      readonly name: string;
      readonly parts: readonly {
        uid: string;
        query: CompiledQuery;
        serialize: RowSerializer;
        children: PopulatePlan;
      }[];
    }
  | {
      readonly kind: 'joined';
      readonly name: string;
      /** Reads the related document (or null) from a row of the page's statement. */
      readonly read: (row: Record<string, unknown>) => Document | null;
      readonly children: PopulatePlan;
    }
  | { readonly kind: 'unavailable'; readonly name: string; readonly toMany: boolean };

const KEY = '__key';
const ORD = '__ord';
const COUNT = '__count';
const R = 'r';

/** What the rows a populate reads are chosen by, besides its own filters: the request's status and locale. */
export interface PopulateScope {
  readonly status: Status;
  readonly locale: LocaleSelection;
}

export function compilePopulate(
  database: Database,
  nodes: readonly PopulateNode[],
  scope: PopulateScope,
): PopulatePlan {
  return { nodes: nodes.map((node) => compileNode(database, node, scope)) };
}

/**
 * The populate plan of a read, and the to-one relations its page statement joins: a top-level to-one
 * relation on its owner side without `count` (filters go into the join's condition; a sort means nothing
 * for one document).
 */
export function planReadPopulate(
  database: Database,
  nodes: readonly PopulateNode[],
  status: PopulateScope,
): { plan: PopulatePlan; joins: JoinedRelation[] } {
  const joins: JoinedRelation[] = [];
  const plan = nodes.map((node): NodePlan => {
    if (
      node.kind !== 'link' ||
      node.toMany ||
      node.count ||
      node.link.kind !== 'relation' ||
      node.link.view.side !== 'owner'
    )
      return compileNode(database, node, status);
    const join: JoinedRelation = {
      alias: `__j${joins.length}`,
      name: node.name,
      link: node.link,
      query: node.query,
    };
    joins.push(join);
    return {
      kind: 'joined',
      name: node.name,
      read: joinedReader(database, join),
      children: compilePopulate(database, node.query.populate, status),
    };
  });
  return { plan: { nodes: plan }, joins };
}

function joinedReader(
  database: Database,
  join: JoinedRelation,
): (row: Record<string, unknown>) => Document | null {
  const { fields } = join.query;
  const marker = joinMarker(join);
  const serialize = rowSerializer(database.dialect, fields, {
    copy: true,
    columns: fields.map((_, i) => joinedColumn(join, i)),
  });
  return (row) => (row[marker] === null || row[marker] === undefined ? null : serialize(row));
}

function compileNode(database: Database, node: PopulateNode, status: PopulateScope): NodePlan {
  if (node.kind === 'unavailable') return node;
  if (node.kind === 'dynamiczone') {
    const parts = [...node.components].map(([uid, query]) => {
      const component = query.model as Component;
      const link: RelatedLink = { kind: 'component', field: node.name, component, parentUid: node.parentUid };
      return { uid, ...compileLinkQuery(database, link, query, status, false) };
    });
    return { kind: 'dynamiczone', name: node.name, parts };
  }
  const compiled = compileLinkQuery(database, node.link, node.query, status, node.count);
  return {
    kind: 'link',
    name: node.name,
    toMany: node.toMany,
    count: node.count,
    parentKey:
      node.link.kind === 'localizations' ||
      (node.link.kind === 'relation' && node.link.view.side === 'inverse')
        ? 'documentId'
        : 'id',
    otherRows: node.link.kind === 'localizations',
    ...compiled,
  };
}

function compileLinkQuery(
  database: Database,
  link: RelatedLink,
  query: SubQuery,
  populateScope: PopulateScope,
  count: boolean,
): { query: CompiledQuery; serialize: RowSerializer; children: PopulatePlan } {
  const { db, dialect } = database;
  const scope = new SqlScope(database, populateScope.status, populateScope.locale);
  const source = linkSource(scope, link);
  const conditions = [source.where];
  if (query.filters) conditions.push(compileFilter(scope, query.filters, R));
  const where = conjunction(conditions);

  if (count) {
    const compiled = db
      .selectFrom(source.from as never)
      .select([sql`${source.key}`.as(KEY), sql<number>`count(*)`.as(COUNT)])
      .where(where)
      .groupBy(source.key as never)
      .compile();
    return { query: compiled, serialize: (row) => row, children: { nodes: [] } };
  }

  let builder = db
    .selectFrom(source.from as never)
    .select([
      sql`${source.key}`.as(KEY),
      sql`${source.ord}`.as(ORD),
      ...query.fields.map((f) => dialect.selectColumn(R, f.column, f.storage, f.name)),
    ])
    .where(where)
    .orderBy(source.key as never);
  for (const item of query.sort)
    builder = builder.orderBy(sortExpression(scope, item, R), nullsSmallest(item.direction));
  builder = builder.orderBy(source.ord as never).orderBy(sql.ref(`${R}.id`) as never);
  return {
    query: builder.compile(),
    serialize: rowSerializer(dialect, query.fields, { copy: true }),
    // Rows reached through `localizations` are each in a locale of their own: what they populate is
    // resolved per row (as for `locale=*`), not in the request's locale.
    children: compilePopulate(
      database,
      query.populate,
      link.kind === 'localizations' ? { ...populateScope, locale: ALL_LOCALES } : populateScope,
    ),
  };
}

/** FROM, the key column matching parent rows, the position column and the condition selecting the parents' rows. */
function linkSource(
  scope: SqlScope,
  link: RelatedLink,
): {
  from: RawBuilder<unknown>;
  key: RawBuilder<unknown>;
  ord: RawBuilder<unknown>;
  where: RawBuilder<SqlBool>;
} {
  const { database, status } = scope;
  const { dialect } = database;
  if (link.kind === 'component') {
    return {
      from: sql`${sql.table(link.component.tableName)} as ${sql.id(R)}`,
      key: sql`${sql.ref(`${R}.parent_id`)}`,
      ord: sql`${sql.ref(`${R}.ord`)}`,
      where: conjunction([
        dialect.inList(sql.ref(`${R}.parent_id`), LIST_PLACEHOLDER, 'integer'),
        sql<SqlBool>`${sql.ref(`${R}.parent_type`)} = ${link.parentUid}`,
        sql<SqlBool>`${sql.ref(`${R}.field`)} = ${link.field}`,
      ]),
    };
  }
  if (link.kind === 'localizations') {
    // The rows of the parents' documents in the same status; each parent's own row is left out when
    // they are grouped (populateLink), so every locale's row lists the others.
    const visible = visibleRows(link.type, status, R);
    return {
      from: sql`${sql.table(link.type.tableName)} as ${sql.id(R)}`,
      key: sql`${sql.ref(`${R}.document_id`)}`,
      ord: sql`${sql.ref(`${R}.id`)}`,
      where: conjunction([
        dialect.inList(sql.ref(`${R}.document_id`), LIST_PLACEHOLDER, 'text'),
        ...(visible ? [visible] : []),
      ]),
    };
  }
  const { storage, side, related } = link.view;
  // For `locale=*` the owner row's locale is read from its row (`o`); the inverse side of a relation
  // between localized types then yields every locale's owners (parents are matched by documentId).
  const owner = side === 'owner' && scope.locale === ALL_LOCALES ? 'o' : undefined;
  const visible = [visibleRows(related, status, R), relatedLocale(scope, link, R, owner)].filter(
    (c): c is RawBuilder<SqlBool> => c !== undefined,
  );
  const onVisible = visible.length ? sql` and ${conjunction(visible)}` : sql``;
  if (side === 'owner') {
    const ownerRow = owner
      ? sql` join ${sql.table(storage.owner.tableName)} as ${sql.id(owner)} on ${sql.ref(`${owner}.id`)} = ${sql.ref('l.source_id')}`
      : sql``;
    return {
      from: sql`${sql.table(storage.table)} as l${ownerRow} join ${sql.table(related.tableName)} as ${sql.id(R)} on ${sql.ref(`${R}.document_id`)} = ${sql.ref('l.target_document_id')}${onVisible}`,
      key: sql`${sql.ref('l.source_id')}`,
      ord: sql`${sql.ref('l.source_ord')}`,
      where: dialect.inList(sql.ref('l.source_id'), LIST_PLACEHOLDER, 'integer'),
    };
  }
  return {
    from: sql`${sql.table(storage.table)} as l join ${sql.table(related.tableName)} as ${sql.id(R)} on ${sql.ref(`${R}.id`)} = ${sql.ref('l.source_id')}${onVisible}`,
    key: sql`${sql.ref('l.target_document_id')}`,
    ord: sql`${sql.ref('l.target_ord')}`,
    where: dialect.inList(sql.ref('l.target_document_id'), LIST_PLACEHOLDER, 'text'),
  };
}

/**
 * Fills the populated attributes of `documents` in place. `rows` are the statement rows the documents
 * were read from, in the same order: joined relations are read from them. `maxDocuments` bounds how many
 * related documents (and component entries) one call may attach: each populate level multiplies the
 * documents of the level above by its fan-out, so a deep populate of a dense graph can grow without
 * bound while every statement stays cheap.
 */
export async function runPopulate(
  ctx: CoreContext,
  plan: PopulatePlan,
  documents: Document[],
  options: { rows?: readonly Record<string, unknown>[]; maxDocuments?: number } = {},
): Promise<void> {
  await populate(ctx, plan, documents, options.rows, new Budget(options.maxDocuments));
}

/** Documents built between two turns of the event loop, at most (a few milliseconds of work). */
const DOCUMENTS_PER_TURN = 500;

class Budget {
  #used = 0;
  #sinceYield = 0;
  constructor(readonly max = Infinity) {}

  /** Counts `count` more documents against the limit: a level that would pass it fails before it is built. */
  take(count: number): void {
    this.#used += count;
    if (this.#used > this.max)
      throw queryTooCostly(
        `populate would return more than ${this.max} related documents (api.rest.maxPopulatedDocuments): populate fewer levels or attributes, filter them, or ask for a smaller page`,
        { source: 'query', param: 'populate', maxPopulatedDocuments: this.max },
      );
  }

  /**
   * `count` more documents were built; true every DOCUMENTS_PER_TURN of them, when the caller should
   * give other requests (health checks among them) a turn of the event loop (`nextTurn`). On SQLite every
   * statement and every document of a read runs on it, so a read of thousands of documents would
   * otherwise hold it for its whole length. Synchronous, so the common small read pays no await.
   */
  built(count: number): boolean {
    this.#sinceYield += count;
    if (this.#sinceYield < DOCUMENTS_PER_TURN) return false;
    this.#sinceYield = 0;
    return true;
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function populate(
  ctx: CoreContext,
  plan: PopulatePlan,
  documents: Document[],
  rows: readonly Record<string, unknown>[] | undefined,
  budget: Budget,
): Promise<void> {
  if (documents.length === 0) return;
  for (const node of plan.nodes) {
    if (node.kind === 'unavailable') {
      for (const doc of documents) doc[node.name] = node.toMany ? [] : null;
    } else if (node.kind === 'joined') {
      if (!rows) throw new Error(`populate of ${node.name}: the plan joins it, but no rows were given`);
      const children: Document[] = [];
      for (let i = 0; i < documents.length; i++) {
        const related = node.read(rows[i]);
        documents[i][node.name] = related;
        if (related) children.push(related);
      }
      budget.take(children.length);
      if (budget.built(children.length)) await nextTurn();
      await populate(ctx, node.children, children, undefined, budget);
    } else if (node.kind === 'link') {
      await populateLink(ctx, node, documents, budget);
    } else {
      await populateZone(ctx, node, documents, budget);
    }
  }
}

async function fetch(
  ctx: CoreContext,
  query: CompiledQuery,
  keys: readonly (number | string)[],
): Promise<Record<string, unknown>[]> {
  const bound = bindList(query, ctx.database.dialect, keys);
  return (await ctx.database.db.executeQuery(bound)).rows as Record<string, unknown>[];
}

function keysOf(documents: Document[], key: 'id' | 'documentId'): (number | string)[] {
  return [...new Set(documents.map((doc) => doc[key] as number | string))];
}

function groupByKey(rows: Record<string, unknown>[]): Map<unknown, Record<string, unknown>[]> {
  const groups = new Map<unknown, Record<string, unknown>[]>();
  for (const row of rows) {
    const key = row[KEY];
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return groups;
}

async function populateLink(
  ctx: CoreContext,
  node: Extract<NodePlan, { kind: 'link' }>,
  documents: Document[],
  budget: Budget,
): Promise<void> {
  const rows = await fetch(ctx, node.query, keysOf(documents, node.parentKey));
  // Keys come back as numbers or strings depending on the driver: compare them as strings.
  const groups = new Map([...groupByKey(rows)].map(([key, group]) => [String(key), group]));
  if (node.count) {
    for (const doc of documents) {
      const group = groups.get(String(doc[node.parentKey]));
      doc[node.name] = { count: group ? Number(group[0][COUNT]) : 0 };
    }
    return;
  }
  const groupOf = (doc: Document) => {
    let group = groups.get(String(doc[node.parentKey])) ?? [];
    if (node.otherRows) group = group.filter((row) => String(row.id) !== String(doc.id));
    return node.toMany ? group : group.slice(0, 1);
  };
  budget.take(documents.reduce((sum, doc) => sum + groupOf(doc).length, 0));
  const children: Document[] = [];
  for (const doc of documents) {
    const related = groupOf(doc).map(node.serialize);
    children.push(...related);
    doc[node.name] = node.toMany ? related : (related[0] ?? null);
    if (budget.built(related.length)) await nextTurn();
  }
  await populate(ctx, node.children, children, undefined, budget);
}

async function populateZone(
  ctx: CoreContext,
  node: Extract<NodePlan, { kind: 'dynamiczone' }>,
  documents: Document[],
  budget: Budget,
): Promise<void> {
  const keys = keysOf(documents, 'id');
  const entries = new Map<string, { ord: number; uid: string; document: Document }[]>();
  for (const part of node.parts) {
    const rows = await fetch(ctx, part.query, keys);
    budget.take(rows.length);
    if (budget.built(rows.length)) await nextTurn();
    const children: Document[] = [];
    for (const row of rows) {
      const parent = String(row[KEY]);
      const ord = Number(row[ORD]);
      const document = part.serialize(row);
      children.push(document);
      let list = entries.get(parent);
      if (!list) entries.set(parent, (list = []));
      list.push({ ord, uid: part.uid, document });
    }
    await populate(ctx, part.children, children, undefined, budget);
  }
  for (const doc of documents) {
    const list = entries.get(String(doc.id)) ?? [];
    list.sort((a, b) => a.ord - b.ord);
    // Each entry carries its component uid after its own fields (and after what it populated), as
    // Strapi 5.54 answers (measured: test/fixtures/strapi-export/answers/products-deep-populate-seo-blocks.json).
    doc[node.name] = list.map((item) => ({ ...item.document, __component: item.uid }));
  }
}
