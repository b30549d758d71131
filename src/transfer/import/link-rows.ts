import type { Model } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import {
  FILE_UID,
  mediaRelation,
  ownedRelations,
  type RelationStorage,
} from '../../core/schema/relations.js';
import { TransferError } from '../errors.js';
import type { LinkLine } from '../format.js';
import type { LineRef } from './entity-rows.js';

/** One link to write: the link table, the owner row, the target document, and Strapi's order positions. */
export interface PlannedLink {
  table: string;
  sourceId: number;
  targetDocumentId: string;
  /** Strapi's order of the target in the owner's list (left.pos), and of the owner in the target's. */
  sourcePos: number | null;
  targetPos: number | null;
}

/** Why a link is not written (counted per reason in the summary). */
export type SkipReason =
  | 'localizations (i18n, not served)'
  | 'attribute not in the app'
  | 'owner row not imported'
  | 'target row not imported';

/** Row id → documentId of the rows of one content type, or the ids of a component's rows. */
export interface RowIndex {
  documentId(uid: string, id: number): string | undefined;
  hasRow(uid: string, id: number): boolean;
}

/**
 * Resolves link lines to Quorum's link rows. Strapi links rows to rows; Quorum links an owner row to a
 * target document, so the target row's documentId is looked up (`RowIndex`). Media are morph links from
 * the file (`left`, field `related`) to the row that holds it (`right`: a content-type or component row,
 * `right.field` its media attribute); they become links of that attribute to the file's document.
 */
export class LinkRows {
  readonly #storages = new Map<string, RelationStorage>();

  constructor(
    private readonly schema: Schema,
    private readonly rows: RowIndex,
  ) {
    for (const storage of ownedRelations(schema))
      this.#storages.set(`${storage.owner.uid}\u0000${storage.ownerAttribute.name}`, storage);
  }

  #model(uid: string): Model | undefined {
    return this.schema.contentTypes.get(uid) ?? this.schema.components.get(uid);
  }

  resolve(link: LinkLine, at: LineRef): PlannedLink | SkipReason {
    if (
      !link.left ||
      !link.right ||
      typeof link.left.type !== 'string' ||
      typeof link.right.type !== 'string'
    )
      throw new TransferError('a link needs a left and a right side, each with a type', at);
    if (link.left.field === 'localizations') return 'localizations (i18n, not served)';
    const morph =
      link.kind === 'relation.morph' && link.left.type === FILE_UID && link.left.field === 'related';
    const owner = morph ? link.right : link.left;
    const target = morph ? link.left : link.right;
    const field = morph ? link.right.field : link.left.field;
    if (typeof owner.ref !== 'number' || typeof target.ref !== 'number' || typeof field !== 'string')
      throw new TransferError('a link names rows by numeric ref and its attribute by field', at);
    const model = this.#model(owner.type);
    const attribute = model?.attributes.get(field);
    if (!model || !attribute) return 'attribute not in the app';
    const relation = attribute.kind === 'media' ? mediaRelation(attribute) : attribute;
    if (relation.kind !== 'relation' || relation.target !== target.type) return 'attribute not in the app';
    const storage = this.#storages.get(`${model.uid}\u0000${field}`);
    if (!storage) return 'attribute not in the app';
    if (!this.rows.hasRow(model.uid, owner.ref)) return 'owner row not imported';
    const targetDocumentId = this.rows.documentId(target.type, target.ref);
    if (targetDocumentId === undefined) return 'target row not imported';
    return {
      table: storage.table,
      sourceId: owner.ref,
      targetDocumentId,
      sourcePos: morph ? position(link.right.pos) : position(link.left.pos),
      targetPos: morph ? null : position(link.right.pos),
    };
  }
}

function position(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
