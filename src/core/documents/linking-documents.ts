import type { Executor } from '../../db/types.js';
import type { ContentType } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import { ownedRelations } from '../schema/relations.js';

/** How many component levels are walked up to reach a document (components nest far less deep). */
const MAX_DEPTH = 20;

/**
 * The documents whose owned links point at document `documentId` of `target`, by type: rows of
 * content types directly, component rows through their parents up to the document that holds them.
 * A change to the target as these documents see it (a file's bytes, its name) is a change to them.
 */
export async function linkingDocuments(
  trx: Executor,
  schema: Schema,
  target: ContentType,
  documentId: string,
): Promise<Map<ContentType, Set<string>>> {
  const found = new Map<ContentType, Set<string>>();
  const add = (type: ContentType, id: string) => {
    let set = found.get(type);
    if (!set) found.set(type, (set = new Set()));
    set.add(id);
  };
  // Component rows still to climb: component uid -> row ids.
  let pending = new Map<string, number[]>();
  for (const storage of ownedRelations(schema)) {
    if (storage.target.uid !== target.uid) continue;
    const owner = storage.owner;
    if (owner.modelType === 'contentType') {
      const rows = await trx
        .selectFrom(`${owner.tableName} as o`)
        .innerJoin(`${storage.table} as l`, 'l.source_id', 'o.id')
        .select('o.document_id as documentId')
        .distinct()
        .where('l.target_document_id', '=', documentId)
        .execute();
      for (const row of rows) add(owner, row.documentId as string);
    } else {
      const rows = await trx
        .selectFrom(storage.table)
        .select('source_id')
        .where('target_document_id', '=', documentId)
        .execute();
      if (rows.length)
        pending.set(owner.uid, [...(pending.get(owner.uid) ?? []), ...rows.map((r) => Number(r.source_id))]);
    }
  }
  for (let depth = 0; pending.size && depth < MAX_DEPTH; depth++) {
    const next = new Map<string, number[]>();
    for (const [uid, ids] of pending) {
      const component = schema.components.get(uid);
      if (!component) continue;
      const parents = await trx
        .selectFrom(component.tableName)
        .select(['parent_type', 'parent_id'])
        .where('id', 'in', ids)
        .execute();
      for (const { parent_type: parentType, parent_id: parentId } of parents) {
        const type = schema.contentTypes.get(parentType as string);
        if (type) {
          const row = await trx
            .selectFrom(type.tableName)
            .select('document_id')
            .where('id', '=', Number(parentId))
            .executeTakeFirst();
          if (row) add(type, row.document_id as string);
        } else {
          next.set(parentType as string, [...(next.get(parentType as string) ?? []), Number(parentId)]);
        }
      }
    }
    pending = next;
  }
  return found;
}
