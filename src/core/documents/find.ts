import type { CompiledQuery } from 'kysely';
import type { CoreContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { compileFind, type CompiledFind } from '../query/compile.js';
import { readDependencies } from '../query/dependencies.js';
import { parseFindQuery, parseSingleQuery } from '../query/parse.js';
import { RENDERED, renderedArray } from '../query/render.js';
import type { FindQuery } from '../query/types.js';
import { ALL_LOCALES } from '../query/locale.js';
import type { ContentType } from '../schema/model.js';
import type { AccessScope } from '../access.js';
import { resolveAccess, type ResolvedAccess } from './access-checks.js';
import { planReadPopulate, runPopulate, type PopulatePlan } from './populate-reads.js';
import { rowSerializer, type Document, type RowSerializer } from './serialize.js';

export type PaginationMeta =
  | { page: number; pageSize: number; pageCount?: number; total?: number }
  | { start: number; limit: number; total?: number };

export interface FindResult {
  readonly data: Document[];
  readonly pagination: PaginationMeta;
}

/** A page as JSON text: `data` is the JSON array of the documents `findDocuments` would return. */
export interface RenderedFind {
  readonly data: string;
  readonly pagination: PaginationMeta;
}

/** Raw query parameters as the caller received them, with an optional key naming them for the plan cache. */
export interface QueryInput {
  readonly params: unknown;
  /** A string that identifies `params` exactly (the raw query string); enables plan caching. */
  readonly cacheKey?: string;
  /** What the caller may see (default: everything). */
  readonly access?: AccessScope;
}

/** The plan-cache key of a read, or undefined when it must not be cached. */
function planKey(
  ctx: CoreContext,
  access: ResolvedAccess,
  input: QueryInput,
  ...parts: string[]
): string | undefined {
  if (input.cacheKey === undefined || access.cacheKey === undefined) return undefined;
  // A plan reads one locale: a read without `locale` reads the default one, which can change.
  return `${ctx.schema().version}|${access.cacheKey}|${parts.join('|')}|${ctx.defaultLocale()}|${input.cacheKey}`;
}

interface ReadPlan {
  readonly query: FindQuery;
  readonly compiled: CompiledFind;
  readonly serialize: RowSerializer;
  readonly populate: PopulatePlan;
  /** The content types the read looks at (see query/dependencies.ts). */
  readonly dependencies: readonly string[];
}

function plan(
  ctx: CoreContext,
  key: string | undefined,
  build: () => FindQuery,
  documentId?: string,
): ReadPlan {
  const make = (): ReadPlan => {
    const query = build();
    const populate = planReadPopulate(ctx.database, query.populate, query);
    // The database renders the documents when nothing is populated beyond relations it joins.
    const render = populate.plan.nodes.every(
      (node) => node.kind === 'joined' && node.children.nodes.length === 0,
    );
    return {
      query,
      compiled: compileFind(ctx.database, query, { documentId, joins: populate.joins, render }),
      // Rows that carry joined columns are copied into documents of their own fields.
      serialize: rowSerializer(ctx.database.dialect, query.fields, { copy: populate.joins.length > 0 }),
      populate: populate.plan,
      dependencies: readDependencies(query),
    };
  };
  return key === undefined ? make() : ctx.plans.get(key, make);
}

async function run(ctx: CoreContext, compiled: CompiledQuery): Promise<Record<string, unknown>[]> {
  return (await ctx.database.db.executeQuery(compiled)).rows as Record<string, unknown>[];
}

async function documents(
  ctx: CoreContext,
  plan: ReadPlan,
  rows: Record<string, unknown>[],
): Promise<Document[]> {
  const docs = rows.map(plan.serialize);
  if (plan.populate.nodes.length)
    await runPopulate(ctx, plan.populate, docs, { rows, maxDocuments: ctx.limits.maxPopulatedDocuments });
  return docs;
}

function findPlan(ctx: CoreContext, type: ContentType, input: QueryInput): ReadPlan {
  const access = resolveAccess(ctx, type, input.access);
  const key = planKey(ctx, access, input, 'find', type.uid);
  return plan(ctx, key, () =>
    parseFindQuery(access.scope, type, input.params, ctx.limits, access.conditions),
  );
}

function totalOf(ctx: CoreContext, readPlan: ReadPlan): Promise<number | undefined> | undefined {
  return readPlan.compiled.count ? countOf(ctx, readPlan.compiled.count) : undefined;
}

/** GET /api/:plural — a page of documents with Strapi's pagination meta. */
export async function findDocuments(
  ctx: CoreContext,
  type: ContentType,
  input: QueryInput,
): Promise<FindResult> {
  const readPlan = findPlan(ctx, type, input);
  const [rows, total] = await Promise.all([run(ctx, readPlan.compiled.rows), totalOf(ctx, readPlan)]);
  return { data: await documents(ctx, readPlan, rows), pagination: paginationMeta(readPlan.query, total) };
}

/** `findDocuments` answered as JSON text, rendered by the database where it can (see query/render.ts). */
export async function renderDocuments(
  ctx: CoreContext,
  type: ContentType,
  input: QueryInput,
): Promise<RenderedFind> {
  const readPlan = findPlan(ctx, type, input);
  const [data, total] = await Promise.all([renderPage(ctx, readPlan), totalOf(ctx, readPlan)]);
  return { data, pagination: paginationMeta(readPlan.query, total) };
}

async function renderPage(ctx: CoreContext, readPlan: ReadPlan): Promise<string> {
  const { rendered, rows } = readPlan.compiled;
  if (rendered) return renderedArray(await run(ctx, rendered));
  return JSON.stringify(await documents(ctx, readPlan, await run(ctx, rows)));
}

/** The total of a count statement, from the count cache while no write happened since it was computed. */
async function countOf(ctx: CoreContext, statement: CompiledQuery): Promise<number> {
  const cache = ctx.counts;
  const key = cache ? `${statement.sql}|${JSON.stringify(statement.parameters, bigints)}` : '';
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;
  const version = cache?.version ?? 0;
  const total = Number((await run(ctx, statement))[0].count);
  cache?.set(key, version, total);
  return total;
}

function paginationMeta(query: FindQuery, total: number | undefined): PaginationMeta {
  const p = query.pagination;
  if (p.mode === 'offset')
    return total === undefined
      ? { start: p.start, limit: p.limit }
      : { start: p.start, limit: p.limit, total };
  if (total === undefined) return { page: p.page, pageSize: p.pageSize };
  return { page: p.page, pageSize: p.pageSize, pageCount: Math.ceil(total / p.pageSize), total };
}

function findOnePlan(ctx: CoreContext, type: ContentType, documentId: string, input: QueryInput): ReadPlan {
  const access = resolveAccess(ctx, type, input.access);
  const key = planKey(ctx, access, input, 'findOne', type.uid, documentId);
  return plan(
    ctx,
    key,
    () => parseSingleQuery(access.scope, type, input.params, access.conditions),
    documentId,
  );
}

function singlePlan(ctx: CoreContext, type: ContentType, input: QueryInput): ReadPlan {
  const access = resolveAccess(ctx, type, input.access);
  const key = planKey(ctx, access, input, 'single', type.uid);
  return plan(ctx, key, () => parseSingleQuery(access.scope, type, input.params, access.conditions));
}

/**
 * The one document a single-row plan reads, or null — also for `locale=*`, which names no one version
 * (Strapi answers 404: findone-a1-star.json, homepage-star.json).
 */
async function readOne(ctx: CoreContext, readPlan: ReadPlan): Promise<Document | null> {
  if (readPlan.query.locale === ALL_LOCALES) return null;
  const rows = await run(ctx, readPlan.compiled.rows);
  return rows.length ? (await documents(ctx, readPlan, rows))[0] : null;
}

/** The one document a single-row plan reads, as JSON text, or null. */
async function renderOne(ctx: CoreContext, readPlan: ReadPlan): Promise<string | null> {
  if (readPlan.query.locale === ALL_LOCALES) return null;
  const { rendered } = readPlan.compiled;
  if (!rendered) {
    const document = await readOne(ctx, readPlan);
    return document && JSON.stringify(document);
  }
  const rows = await run(ctx, rendered);
  return rows.length ? (rows[0][RENDERED] as string) : null;
}

/** GET /api/:plural/:documentId — null when the document has no row of the requested status. */
export function findDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  input: QueryInput,
): Promise<Document | null> {
  return readOne(ctx, findOnePlan(ctx, type, documentId, input));
}

/** `findDocument` answered as JSON text (null: no such document). */
export function renderDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  input: QueryInput,
): Promise<string | null> {
  return renderOne(ctx, findOnePlan(ctx, type, documentId, input));
}

/** GET /api/:singular — the single type's document, or NotFoundError. */
export async function findSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  input: QueryInput,
): Promise<Document> {
  const document = await readOne(ctx, singlePlan(ctx, type, input));
  if (!document) throw new NotFoundError();
  return document;
}

/** `findSingleDocument` answered as JSON text. */
export async function renderSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  input: QueryInput,
): Promise<string> {
  const text = await renderOne(ctx, singlePlan(ctx, type, input));
  if (text === null) throw new NotFoundError();
  return text;
}

/**
 * The content types a read with these parameters looks at: only writes to them can change its answer.
 * `documentId` for a collection type's single-document read; single types ignore it.
 */
export function readDependenciesOf(
  ctx: CoreContext,
  type: ContentType,
  input: QueryInput,
  documentId?: string,
): readonly string[] {
  if (type.kind === 'singleType') return singlePlan(ctx, type, input).dependencies;
  if (documentId !== undefined) return findOnePlan(ctx, type, documentId, input).dependencies;
  return findPlan(ctx, type, input).dependencies;
}

/** JSON for cache keys: 64-bit integers (SQLite binds BigInt) included. */
function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
