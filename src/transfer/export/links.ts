import { sql } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ContentType, Model } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import { FILE_UID, ownedRelations, type RelationStorage } from '../../core/schema/relations.js';
import type { LinkLine } from '../format.js';
import { exportedTypes } from './entities.js';
import { BATCH_SIZE, type Row } from './rows.js';

/** The `localizations` link of a row: its right side names a documentId, not a row. */
export interface LocalizationLink {
  readonly kind: 'relation.circular';
  readonly relation: 'oneToMany';
  readonly left: { type: string; ref: number; field: 'localizations' };
  readonly right: { type: string; ref: string };
}

export type ExportedLink = LinkLine | LocalizationLink;

type Status = 'draft' | 'published';

/**
 * Every link, as Strapi's transfer writes it: from one row to one row (`ref`s are entity ids), where
 * Quorum links a row to a document. Each link goes to the target's row of the source row's status,
 * which is how Strapi 5 keeps them (a draft links drafts, a published row published rows); a target
 * without draft & publish has one row; a source without draft & publish links both rows of a target that
 * has them (Strapi's document service connects both). A component row takes the status of the document
 * row it belongs to. A link whose target has no row of that status is not one Strapi would hold (a
 * published article pointing at a never-published category shows nothing either), so it is left out.
 *
 * Media: Strapi keeps them in the file type's polymorphic `related` relation, the file on the left; the
 * position in the media list is the right side's `pos`. Positions are 1-based, as Strapi numbers them.
 */
export async function* linkLines(database: Database, schema: Schema): AsyncGenerator<ExportedLink> {
  const storages = ownedRelations(schema);
  const owned = (model: Model) => storages.filter((storage) => storage.owner === model && !isMedia(storage));
  // In Strapi's order: per type, its relations in attribute order (media are the file type's `related`,
  // so they all come with the file type), then the virtual `localizations`; then components' relations.
  for (const type of exportedTypes(schema)) {
    if (type.uid === FILE_UID)
      for (const storage of storages.filter(isMedia)) yield* storageLinks(database, schema, storage);
    for (const storage of owned(type)) yield* storageLinks(database, schema, storage);
    yield* localizationLinks(database, type);
  }
  for (const component of schema.components.values())
    for (const storage of owned(component)) yield* storageLinks(database, schema, storage);
}

async function* storageLinks(
  database: Database,
  schema: Schema,
  storage: RelationStorage,
): AsyncGenerator<LinkLine> {
  const shape = linkShape(storage);
  const statuses = new SourceStatuses(database, schema);
  for await (const batch of linkBatches(database, storage.table)) {
    const sourceStatus = await statuses.of(
      storage.owner,
      batch.map((row) => Number(row.source_id)),
    );
    const targets = await targetRows(
      database,
      storage.target,
      batch.map((row) => String(row.target_document_id)),
    );
    for (const row of batch) {
      const sourceId = Number(row.source_id);
      const rows = targets.get(String(row.target_document_id));
      if (!rows) continue;
      const status = sourceStatus.get(sourceId);
      const picked = !storage.target.draftAndPublish
        ? [rows.published]
        : status === undefined
          ? [rows.draft, rows.published]
          : [rows[status]];
      for (const targetId of picked) {
        if (targetId !== undefined) yield shape(sourceId, targetId, row);
      }
    }
  }
}

/**
 * Strapi 5 gives every content type a virtual `localizations` relation whose join column is the
 * documentId, and its export writes it as one link per row (the row to its own documentId). It means
 * nothing without i18n, but importers meet it in every Strapi archive, so it is written the same way.
 */
async function* localizationLinks(database: Database, type: ContentType): AsyncGenerator<LocalizationLink> {
  let after: { documentId: string; id: number } | undefined;
  for (;;) {
    let query = database.db
      .selectFrom(type.tableName)
      .select(['id', 'document_id'])
      .orderBy('document_id')
      .orderBy('id')
      .limit(BATCH_SIZE);
    if (after) {
      const { documentId, id } = after;
      query = query.where((eb) =>
        eb.or([
          eb('document_id', '>', documentId),
          eb.and([eb('document_id', '=', documentId), eb('id', '>', id)]),
        ]),
      );
    }
    const rows = (await query.execute()) as Row[];
    for (const row of rows)
      yield {
        kind: 'relation.circular',
        relation: 'oneToMany',
        left: { type: type.uid, ref: Number(row.id), field: 'localizations' },
        right: { type: type.uid, ref: String(row.document_id) },
      };
    if (rows.length < BATCH_SIZE) return;
    const last = rows[rows.length - 1];
    after = { documentId: String(last.document_id), id: Number(last.id) };
  }
}

function linkShape(storage: RelationStorage): (sourceId: number, targetId: number, row: Row) => LinkLine {
  const attribute = storage.ownerAttribute;
  const owner = storage.owner.uid;
  const field = attribute.name;
  if (storage.target.uid === FILE_UID && attribute.inversedBy === undefined && isMedia(storage)) {
    return (sourceId, targetId, row) => ({
      kind: 'relation.morph',
      relation: 'morphToMany',
      left: { type: FILE_UID, field: 'related', ref: targetId },
      right: { ref: sourceId, pos: Number(row.source_ord) + 1, type: owner, field },
    });
  }
  const kind = storage.target.uid === owner ? 'relation.circular' : 'relation.basic';
  const relation = attribute.relation;
  // Strapi's join tables order the owner's list when it is to-many, and the target's inverse list
  // when the relation is two-way and that side is to-many; only those positions are written.
  const leftOrdered = relation === 'oneToMany' || relation === 'manyToMany';
  const rightOrdered =
    attribute.inversedBy !== undefined && (relation === 'manyToOne' || relation === 'manyToMany');
  return (sourceId, targetId, row) => ({
    kind,
    relation,
    left: {
      type: owner,
      field,
      ref: sourceId,
      ...(leftOrdered && { pos: Number(row.source_ord) + 1 }),
    },
    right: {
      type: storage.target.uid,
      ...(attribute.inversedBy !== undefined && { field: attribute.inversedBy }),
      ref: targetId,
      ...(rightOrdered && { pos: Number(row.target_ord) + 1 }),
    },
  });
}

/** A media attribute's relation (relations.ts `mediaRelation`) rather than a declared relation to files. */
function isMedia(storage: RelationStorage): boolean {
  return storage.owner.attributes.get(storage.ownerAttribute.name)?.kind === 'media';
}

/** The link rows of a table by keyset on its unique (source_id, target_document_id). */
async function* linkBatches(database: Database, table: string): AsyncGenerator<Row[]> {
  let after: { source: number; target: string } | undefined;
  for (;;) {
    let query = database.db
      .selectFrom(table)
      .select(['source_id', 'target_document_id', 'source_ord', 'target_ord'])
      .orderBy('source_id')
      .orderBy('target_document_id')
      .limit(BATCH_SIZE);
    if (after) {
      const { source, target } = after;
      query = query.where((eb) =>
        eb.or([
          eb('source_id', '>', source),
          eb.and([eb('source_id', '=', source), eb('target_document_id', '>', target)]),
        ]),
      );
    }
    const rows = (await query.execute()) as Row[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < BATCH_SIZE) return;
    const last = rows[rows.length - 1];
    after = { source: Number(last.source_id), target: String(last.target_document_id) };
  }
}

/** The draft and published row ids of each of `documentIds`. */
async function targetRows(
  database: Database,
  target: ContentType,
  documentIds: readonly string[],
): Promise<Map<string, Partial<Record<Status, number>>>> {
  const unique = [...new Set(documentIds)];
  const rows = (await database.db
    .selectFrom(target.tableName)
    .select(['id', 'document_id', 'published_at'])
    .where(database.dialect.inList(sql.ref(`${target.tableName}.document_id`), unique, 'text'))
    .execute()) as Row[];
  const found = new Map<string, Partial<Record<Status, number>>>();
  for (const row of rows) {
    const documentId = String(row.document_id);
    const entry = found.get(documentId) ?? {};
    entry[row.published_at === null || row.published_at === undefined ? 'draft' : 'published'] = Number(
      row.id,
    );
    found.set(documentId, entry);
  }
  return found;
}

/**
 * The status of source rows: a content-type row's own (undefined for types without draft & publish,
 * whose rows link both of a target's rows), a component row's that of the document row it hangs from.
 */
class SourceStatuses {
  constructor(
    private readonly database: Database,
    private readonly schema: Schema,
  ) {}

  async of(model: Model, ids: readonly number[]): Promise<Map<number, Status | undefined>> {
    const result = new Map<number, Status | undefined>();
    if (ids.length === 0) return result;
    const unique = [...new Set(ids)];
    const { db, dialect } = this.database;
    const t = model.tableName;
    if (model.modelType === 'contentType') {
      if (!model.draftAndPublish) return result;
      const rows = (await db
        .selectFrom(t)
        .select(['id', 'published_at'])
        .where(dialect.inList(sql.ref(`${t}.id`), unique, 'integer'))
        .execute()) as Row[];
      for (const row of rows) result.set(Number(row.id), row.published_at == null ? 'draft' : 'published');
      return result;
    }
    const rows = (await db
      .selectFrom(t)
      .select(['id', 'parent_type', 'parent_id'])
      .where(dialect.inList(sql.ref(`${t}.id`), unique, 'integer'))
      .execute()) as Row[];
    const byParentType = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byParentType.get(String(row.parent_type)) ?? [];
      list.push(row);
      byParentType.set(String(row.parent_type), list);
    }
    for (const [uid, children] of byParentType) {
      const parent = this.schema.contentTypes.get(uid) ?? this.schema.components.get(uid);
      if (!parent) continue;
      const parents = await this.of(
        parent,
        children.map((row) => Number(row.parent_id)),
      );
      for (const row of children) result.set(Number(row.id), parents.get(Number(row.parent_id)));
    }
    return result;
  }
}
