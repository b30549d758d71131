import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import { ForbiddenError, ValidationError, validationErrors, type FieldError } from '../errors.js';
import type { RelationStorage } from '../schema/relations.js';
import type { Schema } from '../schema/registry.js';
import type { ContentType } from '../schema/model.js';
import { ownedRelations } from '../schema/relations.js';
import { checkUpdates, outsideAfterWrite, type ResolvedAccess } from './access-checks.js';
import type { Path, Position, RelationChange, RelationRef } from './relation-input.js';
import type { DocumentRef } from './rows.js';

/**
 * Applying relation writes. Links join an owner row to a target document (see schema/relations.ts);
 * each list is rewritten whole with fresh positions, which keeps ordering exact and the code simple
 * (relation lists are short compared with the cost of a round trip).
 */

interface LinkRow {
  source_id: number;
  target_document_id: string;
  source_ord: number;
  target_ord: number;
}

/**
 * documentIds for the references of a change, checking that every referenced document exists — in
 * `locale`, when the target is localized and the row linking it has a locale (a localized row links the
 * target's version in its own locale; Strapi refuses a target without one with this message, recorded
 * create-fr-connect-category-en-only.json, and ignores a `locale` named in the reference).
 */
async function resolveRefs(
  trx: Executor,
  target: ContentType,
  refs: readonly RelationRef[],
  locale: string | null = null,
): Promise<Map<RelationRef, string>> {
  const ids = [...new Set(refs.filter((r) => r.id !== undefined).map((r) => r.id!))];
  const documentIds = [...new Set(refs.filter((r) => r.documentId !== undefined).map((r) => r.documentId!))];
  const byId = new Map<number, string>();
  const known = new Set<string>();
  if (ids.length) {
    const rows = await trx
      .selectFrom(target.tableName)
      .select(['id', 'document_id'])
      .where('id', 'in', ids)
      .execute();
    for (const row of rows) byId.set(Number(row.id), row.document_id as string);
  }
  if (documentIds.length) {
    const rows = await trx
      .selectFrom(target.tableName)
      .select('document_id')
      .distinct()
      .where('document_id', 'in', documentIds)
      .execute();
    for (const row of rows) known.add(row.document_id as string);
  }
  const resolved = new Map<RelationRef, string>();
  const errors: FieldError[] = [];
  for (const ref of refs) {
    const documentId =
      ref.id !== undefined ? byId.get(ref.id) : known.has(ref.documentId!) ? ref.documentId! : undefined;
    if (documentId === undefined) errors.push(missingRef(target, ref));
    else resolved.set(ref, documentId);
  }
  if (errors.length) throw validationErrors(errors);
  if (target.localized && locale !== null && resolved.size) {
    const wanted = [...new Set(resolved.values())];
    const rows = await trx
      .selectFrom(target.tableName)
      .select('document_id')
      .distinct()
      .where('document_id', 'in', wanted)
      .where('locale', '=', locale)
      .execute();
    const inLocale = new Set(rows.map((row) => row.document_id as string));
    const missing = wanted.find((documentId) => !inLocale.has(documentId));
    if (missing !== undefined)
      throw new ValidationError(`Document with id "${missing}", locale "${locale}" not found`);
  }
  return resolved;
}

function missingRef(target: ContentType, ref: RelationRef): FieldError {
  const label = ref.id !== undefined ? `id ${ref.id}` : `documentId "${ref.documentId}"`;
  return {
    path: [...ref.path],
    message: `${ref.path.join('.')}: no ${target.uid} document with ${label}`,
    name: 'ValidationError',
  };
}

/**
 * Links owned by other documents than the one written change only if the caller may update those
 * documents (checkUpdates, the update route's rule). Without the update grant on their type: 403, as
 * `PUT` on them. Outside its conditions they do not exist for the caller: a reference to one gets
 * exactly the answer a reference to a missing document gets (so the answer tells nothing the caller
 * may not know), and one changed without being named (dropped by `set`, or a one-owner target taken
 * from it) is refused at the attribute's path without naming it.
 */
async function requireOwnersWritable(
  ctx: CoreContext,
  trx: Executor,
  owner: ContentType,
  change: RelationChange,
  changed: ReadonlySet<string>,
  resolved: ReadonlyMap<RelationRef, string>,
  access: ResolvedAccess,
  what: string,
): Promise<void> {
  const check = await checkUpdates(ctx, trx, owner, changed, access);
  if (check.kind === 'allowed') return;
  const path = change.path.join('.');
  if (check.kind === 'forbidden')
    throw new ForbiddenError(
      `${path}: writing this relation changes ${owner.uid} documents (needs ${owner.uid}.update)`,
    );
  const errors: FieldError[] = [];
  const named = new Set<string>();
  for (const [ref, documentId] of resolved) {
    if (!check.documentIds.has(documentId)) continue;
    named.add(documentId);
    errors.push(missingRef(owner, ref));
  }
  if ([...check.documentIds].some((id) => !named.has(id)))
    errors.push(unnamedChange(change.path, `${path}: ${what} ${owner.uid} documents you may not update`));
  throw validationErrors(errors);
}

function unnamedChange(path: Path, message: string): FieldError {
  return { path: [...path], message, name: 'ValidationError' };
}

/** After the write: the owner documents it changed must still be inside the caller's conditions. */
async function requireOwnersStillWithin(
  ctx: CoreContext,
  trx: Executor,
  owner: ContentType,
  changed: ReadonlySet<string>,
  access: ResolvedAccess,
): Promise<void> {
  if ((await checkUpdates(ctx, trx, owner, changed, access)).kind !== 'allowed') throw outsideAfterWrite();
}

function allRefs(change: RelationChange): RelationRef[] {
  const refs = [...(change.set ?? []), ...change.connect, ...change.disconnect];
  for (const ref of change.connect) {
    const position = ref.position as { before?: RelationRef; after?: RelationRef } | undefined;
    if (position?.before) refs.push(position.before);
    if (position?.after) refs.push(position.after);
  }
  return refs;
}

/** The new ordered list of document ids after a change. */
function nextList(
  current: readonly string[],
  change: RelationChange,
  resolved: Map<RelationRef, string>,
): string[] {
  if (change.set) return [...new Set(change.set.map((ref) => resolved.get(ref)!))];
  let list = [...current];
  const removed = new Set(change.disconnect.map((ref) => resolved.get(ref)!));
  list = list.filter((id) => !removed.has(id));
  for (const ref of connectOrder(change.connect, resolved)) {
    const id = resolved.get(ref)!;
    list = list.filter((existing) => existing !== id);
    place(list, id, ref.position, resolved, ref);
  }
  return list;
}

/**
 * Connects are applied so that an item placed before/after another connected item comes after it,
 * whatever the request's order (as Strapi orders them); otherwise request order is kept.
 */
function connectOrder(connect: readonly RelationRef[], resolved: Map<RelationRef, string>): RelationRef[] {
  const pending = [...connect];
  const ordered: RelationRef[] = [];
  const placed = new Set<string>();
  const anchorOf = (ref: RelationRef) => {
    const position = ref.position as { before?: RelationRef; after?: RelationRef } | undefined;
    const anchor = position?.before ?? position?.after;
    return anchor ? resolved.get(anchor) : undefined;
  };
  const connected = new Set(connect.map((ref) => resolved.get(ref)!));
  while (pending.length) {
    const index = pending.findIndex((ref) => {
      const anchor = anchorOf(ref);
      return anchor === undefined || !connected.has(anchor) || placed.has(anchor);
    });
    // A cycle of anchors: fall back to request order and let place() report what it cannot do.
    const [next] = pending.splice(index === -1 ? 0 : index, 1);
    ordered.push(next);
    placed.add(resolved.get(next)!);
  }
  return ordered;
}

function place(
  list: string[],
  id: string,
  position: Position | undefined,
  resolved: Map<RelationRef, string>,
  ref: RelationRef,
): void {
  if (!position || 'end' in position) return void list.push(id);
  if ('start' in position) return void list.unshift(id);
  const anchorRef = 'before' in position ? position.before : position.after;
  const anchor = resolved.get(anchorRef)!;
  const index = list.indexOf(anchor);
  if (index === -1) {
    throw new ValidationError(
      `${ref.path.join('.')}: cannot place it ${'before' in position ? 'before' : 'after'} "${anchor}", which is not in the relation`,
      {
        errors: [
          {
            path: [...ref.path, 'position'],
            message: 'position refers to a document that is not connected',
            name: 'ValidationError',
          },
        ],
      },
    );
  }
  list.splice('before' in position ? index : index + 1, 0, id);
}

/**
 * Owner side: rewrites the links of one owner row (`fresh`: a row created in this write, with no links
 * yet). `access`: the caller's, when the row is a document's (a one-owner target taken from another
 * document changes that document too).
 */
export async function writeOwnerLinks(
  ctx: CoreContext,
  trx: Executor,
  sourceId: number,
  change: RelationChange,
  fresh = false,
  access?: ResolvedAccess,
  /** The locale of the document the row belongs to (null: none). */
  locale: string | null = null,
): Promise<void> {
  const { storage } = change.view;
  const table = storage.table;
  const current = fresh
    ? []
    : ((await trx
        .selectFrom(table)
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('source_ord')
        .execute()) as LinkRow[]);
  const resolved = await resolveRefs(trx, storage.target, allRefs(change), locale);
  let list = nextList(
    current.map((row) => row.target_document_id),
    change,
    resolved,
  );
  if (storage.ownerToOne) list = list.slice(-1);
  const kept = new Map(current.map((row) => [row.target_document_id, row.target_ord]));

  if (current.length) await trx.deleteFrom(table).where('source_id', '=', sourceId).execute();
  if (storage.targetToOne && list.length) {
    // Component owners are not checked: the rows losing a target would have to be traced to their
    // documents (linkingDocuments does that for files); no fixture or known schema needs it yet.
    const owner = storage.owner.modelType === 'contentType' ? storage.owner : undefined;
    const losing =
      access?.limitsUpdates && owner
        ? await releasedDocuments(trx, storage, owner, sourceId, list)
        : undefined;
    if (losing?.size)
      await requireOwnersWritable(
        ctx,
        trx,
        owner!,
        change,
        losing,
        new Map(),
        access!,
        'would take documents away from',
      );
    await releaseTargets(trx, storage, sourceId, list);
    if (losing?.size) await requireOwnersStillWithin(ctx, trx, owner!, losing, access!);
  }
  for (const [index, targetDocumentId] of list.entries()) {
    const targetOrd = kept.get(targetDocumentId) ?? (await nextTargetOrd(trx, table, targetDocumentId));
    await trx
      .insertInto(table)
      .values({
        source_id: sourceId,
        target_document_id: targetDocumentId,
        source_ord: index,
        target_ord: targetOrd,
      })
      .execute();
  }
}

async function nextTargetOrd(trx: Executor, table: string, targetDocumentId: string): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select(sql<number>`coalesce(max(target_ord), -1) + 1`.as('next'))
    .where('target_document_id', '=', targetDocumentId)
    .executeTakeFirst();
  return Number(row?.next ?? 0);
}

/** The other documents whose row of the same status as `sourceId` links one of `targets` (releaseTargets unlinks them). */
async function releasedDocuments(
  trx: Executor,
  storage: RelationStorage,
  owner: ContentType,
  sourceId: number,
  targets: readonly string[],
): Promise<Set<string>> {
  const self = await trx
    .selectFrom(owner.tableName)
    .select(['published_at', 'locale'])
    .where('id', '=', sourceId)
    .executeTakeFirst();
  const isDraft = self?.published_at === null || self?.published_at === undefined;
  const rows = await trx
    .selectFrom(`${storage.table} as l`)
    .innerJoin(`${owner.tableName} as o`, 'o.id', 'l.source_id')
    .select('o.document_id as documentId')
    .distinct()
    .where('l.target_document_id', 'in', targets)
    .where('l.source_id', '<>', sourceId)
    .where('o.published_at', isDraft ? 'is' : 'is not', null)
    .$if(owner.localized, (qb) => qb.where('o.locale', '=', (self?.locale as string | null) ?? null))
    .execute();
  return new Set(rows.map((row) => row.documentId as string));
}

/**
 * oneToOne / oneToMany: a target document belongs to one owner row per status (and locale, for a
 * localized owner). Linking it here unlinks it from the other rows of the same status and locale (for
 * component owners, from every other row).
 */
async function releaseTargets(
  trx: Executor,
  storage: RelationStorage,
  sourceId: number,
  targets: readonly string[],
): Promise<void> {
  const owner = storage.owner;
  let query = trx
    .deleteFrom(storage.table)
    .where('target_document_id', 'in', targets)
    .where('source_id', '<>', sourceId);
  if (owner.modelType === 'contentType') {
    const self = await trx
      .selectFrom(owner.tableName)
      .select(['published_at', 'locale'])
      .where('id', '=', sourceId)
      .executeTakeFirst();
    const isDraft = self?.published_at === null || self?.published_at === undefined;
    query = query.where(
      'source_id',
      'in',
      trx
        .selectFrom(owner.tableName)
        .select('id')
        .where('published_at', isDraft ? 'is' : 'is not', null)
        .$if(owner.localized, (qb) => qb.where('locale', '=', (self?.locale as string | null) ?? null)),
    );
  }
  await query.execute();
}

/**
 * Inverse side (a `mappedBy` attribute written on document `documentId`): changes the owner documents'
 * links to it. A write that publishes changes the owners' draft and published rows; a draft-only write
 * changes their drafts (publishing the document later carries it over, see syncInverseLinks).
 *
 * The links are the owners' (Strapi v5 stores them with the owner, and writing them from here updates
 * the owner rows), so every owner document gaining or losing its link must be one the caller may
 * update: requireOwnersWritable. Reordering the list only renumbers this side's order column, which
 * is the inverse document's own, and needs nothing more.
 */
export async function writeInverseLinks(
  ctx: CoreContext,
  trx: Executor,
  ref: DocumentRef,
  change: RelationChange,
  publish: boolean,
  access: ResolvedAccess,
): Promise<void> {
  const { documentId } = ref;
  const { storage } = change.view;
  const owner = storage.owner as ContentType;
  const table = storage.table;
  const draftsOnly = !publish && owner.draftAndPublish;
  // A localized document's version links the owners' versions in its locale (both sides localized).
  const ownerLocale = owner.localized ? ref.locale : null;
  const ownerRows = () => {
    const query = trx
      .selectFrom(owner.tableName)
      .select('id')
      .$if(ownerLocale !== null, (qb) => qb.where('locale', '=', ownerLocale));
    return draftsOnly ? query.where('published_at', 'is', null) : query;
  };
  const current = (await trx
    .selectFrom(`${table} as l`)
    .innerJoin(`${owner.tableName} as o`, 'o.id', 'l.source_id')
    .$if(draftsOnly, (qb) => qb.where('o.published_at', 'is', null))
    .$if(ownerLocale !== null, (qb) => qb.where('o.locale', '=', ownerLocale))
    .select(['o.document_id as document_id'])
    .select(sql<number>`min(l.target_ord)`.as('ord'))
    .where('l.target_document_id', '=', documentId)
    .groupBy('o.document_id')
    .orderBy('ord')
    .execute()) as { document_id: string; ord: number }[];
  const resolved = await resolveRefs(trx, owner, allRefs(change), ownerLocale);
  let list = nextList(
    current.map((row) => row.document_id),
    change,
    resolved,
  );
  if (storage.targetToOne) list = list.slice(-1);
  const wanted = new Set(list);

  const removed = current.map((row) => row.document_id).filter((id) => !wanted.has(id));
  const had = new Set(current.map((row) => row.document_id));
  const changed = new Set([...removed, ...list.filter((id) => !had.has(id))]);
  await requireOwnersWritable(ctx, trx, owner, change, changed, resolved, access, 'would unlink');
  if (removed.length) {
    await trx
      .deleteFrom(table)
      .where('target_document_id', '=', documentId)
      .where('source_id', 'in', ownerRows().where('document_id', 'in', removed))
      .execute();
  }
  if (storage.targetToOne) {
    // The target may have only one owner: any other owner's links to it go.
    await trx
      .deleteFrom(table)
      .where('target_document_id', '=', documentId)
      .where('source_id', 'in', ownerRows())
      .where(
        'source_id',
        'not in',
        trx
          .selectFrom(owner.tableName)
          .select('id')
          .where('document_id', 'in', list.length ? list : ['']),
      )
      .execute();
  }
  for (const [index, ownerDocumentId] of list.entries()) {
    const rows = await ownerRows().where('document_id', '=', ownerDocumentId).execute();
    for (const row of rows) {
      const sourceId = Number(row.id);
      const existing = await trx
        .selectFrom(table)
        .select('source_ord')
        .where('source_id', '=', sourceId)
        .where('target_document_id', '=', documentId)
        .executeTakeFirst();
      if (existing) {
        await trx
          .updateTable(table)
          .set({ target_ord: index })
          .where('source_id', '=', sourceId)
          .where('target_document_id', '=', documentId)
          .execute();
        continue;
      }
      // The owner side may be to-one (article.author): connecting replaces the owner row's link.
      if (storage.ownerToOne) await trx.deleteFrom(table).where('source_id', '=', sourceId).execute();
      const next = await trx
        .selectFrom(table)
        .select(sql<number>`coalesce(max(source_ord), -1) + 1`.as('next'))
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
      await trx
        .insertInto(table)
        .values({
          source_id: sourceId,
          target_document_id: documentId,
          source_ord: Number(next?.next ?? 0),
          target_ord: index,
        })
        .execute();
    }
  }
  await requireOwnersStillWithin(ctx, trx, owner, changed, access);
}

/**
 * Publishing document `documentId` publishes the draft state of the relations other documents own
 * towards it: each published owner row links to it exactly when that owner's draft row does.
 */
export async function syncInverseLinks(
  trx: Executor,
  schema: Schema,
  type: ContentType,
  ref: DocumentRef,
): Promise<void> {
  const { documentId } = ref;
  for (const storage of ownedRelations(schema)) {
    const owner = storage.owner;
    if (storage.target.uid !== type.uid || owner.modelType !== 'contentType' || !owner.draftAndPublish)
      continue;
    const hasInverse = [...type.attributes.values()].some(
      (a) => a.kind === 'relation' && a.mappedBy === storage.ownerAttribute.name && a.target === owner.uid,
    );
    if (!hasInverse) continue;
    const table = sql.table(storage.table);
    const owners = sql.table(owner.tableName);
    // A localized owner's draft and published rows pair up within a locale; the owners that relate to a
    // localized document's version are those in its locale.
    const sameLocale = owner.localized ? sql` and d.locale = p.locale` : sql``;
    const inLocale = owner.localized && ref.locale !== null ? sql` and p.locale = ${ref.locale}` : sql``;
    // Published owner rows whose draft no longer links here lose the link.
    await sql`delete from ${table} where target_document_id = ${documentId} and source_id in (
        select p.id from ${owners} p where p.published_at is not null${inLocale} and not exists (
          select 1 from ${owners} d join ${table} l on l.source_id = d.id
          where d.document_id = p.document_id${sameLocale} and d.published_at is null and l.target_document_id = ${documentId}))`.execute(
      trx,
    );
    // Published owner rows whose draft links here gain it (replacing their link when the owner side is to-one).
    const { rows } = await sql<{
      id: number;
      target_ord: number;
    }>`select p.id as id, l.target_ord as target_ord
        from ${owners} p join ${owners} d on d.document_id = p.document_id${sameLocale} and d.published_at is null
        join ${table} l on l.source_id = d.id and l.target_document_id = ${documentId}
        where p.published_at is not null${inLocale} and not exists (
          select 1 from ${table} x where x.source_id = p.id and x.target_document_id = ${documentId})`.execute(
      trx,
    );
    for (const row of rows) {
      const sourceId = Number(row.id);
      if (storage.ownerToOne) await trx.deleteFrom(storage.table).where('source_id', '=', sourceId).execute();
      const next = await trx
        .selectFrom(storage.table)
        .select(sql<number>`coalesce(max(source_ord), -1) + 1`.as('next'))
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
      await trx
        .insertInto(storage.table)
        .values({
          source_id: sourceId,
          target_document_id: documentId,
          source_ord: Number(next?.next ?? 0),
          target_ord: Number(row.target_ord),
        })
        .execute();
    }
  }
}

/** Removes links that point at a document being deleted, in every table that can hold them. */
export async function deleteInboundLinks(
  trx: Executor,
  schema: Schema,
  type: ContentType,
  documentId: string,
): Promise<void> {
  for (const storage of ownedRelations(schema)) {
    if (storage.target.uid !== type.uid) continue;
    await trx.deleteFrom(storage.table).where('target_document_id', '=', documentId).execute();
  }
}
