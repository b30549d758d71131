import type { AccessScope, UpdateRights } from '../access.js';
import { FULL_ACCESS } from '../access.js';
import type { CoreContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { compileFind } from '../query/compile.js';
import { parseFilters } from '../query/filters.js';
import type { QueryScope } from '../query/links.js';
import { parseSingleQuery } from '../query/parse.js';
import type { FilterNode, FindQuery, Status } from '../query/types.js';
import type { ContentType, ScalarAttribute } from '../schema/model.js';
import { CREATED_BY_FIELD } from '../schema/system-fields.js';
import type { Executor } from '../../db/types.js';
import { ALL_LOCALES } from '../query/locale.js';
import type { DocumentRef } from './rows.js';

const CONDITION_FIELDS: ReadonlyMap<string, ScalarAttribute> = new Map([
  [CREATED_BY_FIELD.name, CREATED_BY_FIELD],
]);

/** How an operation reads and checks on behalf of its caller. */
export interface ResolvedAccess {
  readonly scope: QueryScope;
  /** The caller's permission conditions for this type, as a filter tree. */
  readonly conditions?: FilterNode;
  /** Prefix for plan-cache keys, or undefined when plans must not be shared (per-user conditions). */
  readonly cacheKey?: string;
  /** The caller's update rights on `type` (any type, not only the one the operation addresses). */
  updateRights(type: ContentType): ResolvedUpdateRights;
  /** False when every update is allowed (full access): checks of other documents then cost no query. */
  readonly limitsUpdates: boolean;
}

/** UpdateRights with the conditions parsed for their type. */
export type ResolvedUpdateRights =
  { readonly allowed: false } | { readonly allowed: true; readonly conditions?: FilterNode };

const EVERY_DOCUMENT: ResolvedUpdateRights = Object.freeze({ allowed: true });

export function resolveAccess(
  ctx: CoreContext,
  type: ContentType,
  access: AccessScope = FULL_ACCESS,
): ResolvedAccess {
  const schema = ctx.schema();
  // Conditions are written by administrators, not clients: they may walk any relation and name the
  // creator column. A condition through a relation needs a related row (links.ts).
  const trusted: QueryScope = {
    schema,
    canRead: () => true,
    conditionFields: CONDITION_FIELDS,
    relatedRowRequired: true,
  };
  const parsed = new Map<string, FilterNode | undefined>();
  const scope: QueryScope = {
    schema,
    defaultLocale: ctx.defaultLocale(),
    maxDepth: ctx.limits.maxDepth,
    maxRelationHops: ctx.limits.maxRelationHops,
    canRead: (uid) => access.canRead(uid),
    readConditions: access.readConditions
      ? (model) => {
          if (model.modelType !== 'contentType') return undefined;
          if (!parsed.has(model.uid)) {
            const raw = access.readConditions!(model.uid);
            parsed.set(model.uid, raw === undefined ? undefined : parseFilters(trusted, model, raw));
          }
          return parsed.get(model.uid);
        }
      : undefined,
  };
  const conditions =
    access.conditions === undefined ? undefined : parseFilters(trusted, type, access.conditions);
  const rights = new Map<string, ResolvedUpdateRights>();
  const updateRights = (target: ContentType): ResolvedUpdateRights => {
    if (!access.updateRights) return EVERY_DOCUMENT;
    let resolved = rights.get(target.uid);
    if (!resolved) {
      const raw: UpdateRights = access.updateRights(target.uid);
      resolved = !raw.allowed
        ? raw
        : raw.conditions === undefined
          ? EVERY_DOCUMENT
          : { allowed: true, conditions: parseFilters(trusted, target, raw.conditions) };
      rights.set(target.uid, resolved);
    }
    return resolved;
  };
  return {
    scope,
    conditions,
    cacheKey: access.cacheKey,
    updateRights,
    limitsUpdates: access.updateRights !== undefined,
  };
}

/** The row of a document that write conditions are checked on: its draft, when it has one. */
export function writeStatus(type: ContentType): Status {
  return type.draftAndPublish ? 'draft' : 'published';
}

/**
 * Whether the document's row of `status` matches the caller's conditions (updates and deletes of
 * documents outside them are answered as if the document did not exist).
 */
export async function matchesConditions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  status: Status,
  access: ResolvedAccess,
): Promise<boolean> {
  if (!access.conditions) return true;
  const within = await documentsMatching(
    ctx,
    trx,
    type,
    [ref.documentId],
    status,
    access.conditions,
    access,
    ref.locale ?? undefined,
  );
  return within.has(ref.documentId);
}

/**
 * Those of `documentIds` whose row of `status` matches the caller's conditions: `matchesConditions`
 * for many documents at once (every one of them when the caller has no condition), for answers that
 * list things attached to documents, such as scheduled actions.
 */
export async function documentsWithinConditions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentIds: readonly string[],
  status: Status,
  access: ResolvedAccess,
): Promise<Set<string>> {
  if (!access.conditions) return new Set(documentIds);
  return documentsMatching(ctx, trx, type, [...new Set(documentIds)], status, access.conditions, access);
}

/**
 * A write must leave what it changed inside the caller's conditions: a user allowed to edit their own
 * articles may not create one for someone else, nor hand theirs over.
 */
export function outsideAfterWrite(): ForbiddenError {
  return new ForbiddenError('The document would be outside what you may write');
}

/** What a write that changes other documents than the one it addresses may do to them. */
export type UpdateCheck =
  | { readonly kind: 'allowed' }
  /** No update grant on the type at all: the update route would answer 403. */
  | { readonly kind: 'forbidden' }
  /** Documents outside the conditions of the update grant: for the update route they do not exist (404). */
  | { readonly kind: 'outside'; readonly documentIds: ReadonlySet<string> };

const ALLOWED: UpdateCheck = Object.freeze({ kind: 'allowed' });

/**
 * The one rule for every write that changes documents other than the one it addresses: links owned
 * by the other side of a relation (connect/set/disconnect from a `mappedBy` attribute, a one-owner
 * target taken from another document), files attached to an entry, a file that entries use. Each
 * changed document needs what `PUT` on it needs: the caller's update grant on its type, and its row
 * inside that grant's conditions — the same compiled conditions, checked on the same row, as
 * updateDocument checks. Callers answer as the update route would: 403 without the grant, and for
 * documents outside the conditions the answer they give for a document that does not exist.
 */
export async function checkUpdates(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentIds: Iterable<string>,
  access: ResolvedAccess,
): Promise<UpdateCheck> {
  const ids = [...new Set(documentIds)];
  if (ids.length === 0) return ALLOWED;
  const rights = access.updateRights(type);
  if (!rights.allowed) return { kind: 'forbidden' };
  if (!rights.conditions) return ALLOWED;
  const within = await documentsMatching(ctx, trx, type, ids, writeStatus(type), rights.conditions, access);
  const outside = new Set(ids.filter((id) => !within.has(id)));
  return outside.size ? { kind: 'outside', documentIds: outside } : ALLOWED;
}

/** At most this many documentIds per statement ($in takes up to 1000 values). */
const CHUNK = 500;

/** Those of `documentIds` whose row of `status` matches `conditions`, in one statement per chunk. */
async function documentsMatching(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentIds: readonly string[],
  status: Status,
  conditions: FilterNode,
  access: ResolvedAccess,
  /** Of a localized type: the locale whose rows are checked (default: any locale's row counts). */
  locale: string = ALL_LOCALES,
): Promise<Set<string>> {
  const within = new Set<string>();
  const database = { ...ctx.database, db: trx };
  for (let start = 0; start < documentIds.length; start += CHUNK) {
    const chunk = documentIds.slice(start, start + CHUNK);
    const params = { status, locale, fields: ['documentId'], filters: { documentId: { $in: chunk } } };
    const single = parseSingleQuery(access.scope, type, params, conditions);
    const query: FindQuery = {
      ...single,
      pagination: { mode: 'offset', start: 0, limit: chunk.length, withCount: false },
    };
    const { rows } = compileFind(database, query);
    for (const row of (await trx.executeQuery(rows)).rows as Record<string, unknown>[])
      within.add(row.documentId as string);
  }
  return within;
}
