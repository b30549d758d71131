import type { ContentType, MediaAttribute, Model, RelationAttribute, RelationKind } from './model.js';
import { identifier, toSnakeCase } from './naming.js';
import type { Schema } from './registry.js';

/**
 * How a relation is stored. Links live in one table per owning attribute (the side without `mappedBy`):
 * each link joins an owner *row* (a draft or published row, or a component row) to a target *document*.
 * Keying the target by document id means re-publishing the target never breaks links, and a read
 * resolves each target to its row of the request's status (or its published row when the target has no
 * draft & publish). Keying the source by row keeps a document's draft and published relations apart.
 */
export interface RelationStorage {
  /** The model whose rows own the links, and the owning attribute. */
  readonly owner: Model;
  readonly ownerAttribute: RelationAttribute;
  readonly table: string;
  /** The content type the owner links to. */
  readonly target: ContentType;
  /** An owner row links to at most one target (oneToOne, manyToOne). */
  readonly ownerToOne: boolean;
  /** A target document is linked from at most one owner row of a status (two-way oneToOne, oneToMany). */
  readonly targetToOne: boolean;
}

/** A relation attribute seen from the model that declares it. */
export interface RelationView {
  readonly storage: RelationStorage;
  /** `owner`: this model owns the links; `inverse`: a `mappedBy` attribute reading the owner's links backwards. */
  readonly side: 'owner' | 'inverse';
  readonly toMany: boolean;
  /** The model whose documents this attribute yields. */
  readonly related: Model;
}

const TO_MANY: ReadonlySet<RelationKind> = new Set(['oneToMany', 'manyToMany']);

export function linkTableName(owner: Model, attribute: RelationAttribute): string {
  return identifier(owner.tableName, toSnakeCase(attribute.name), 'lnk');
}

/**
 * Resolves a relation attribute to its storage, or undefined when Quorum does not serve it (morph
 * relations, targets provided by plugins that do not exist here).
 */
export function relationView(
  schema: Schema,
  model: Model,
  attribute: RelationAttribute,
): RelationView | undefined {
  if (attribute.relation.startsWith('morph') || !attribute.target) return undefined;
  const target = schema.contentTypes.get(attribute.target);
  if (!target) return undefined;
  const toMany = TO_MANY.has(attribute.relation);
  if (attribute.mappedBy) {
    const ownerAttribute = target.attributes.get(attribute.mappedBy);
    if (!ownerAttribute || ownerAttribute.kind !== 'relation') return undefined;
    return { storage: storageOf(schema, target, ownerAttribute)!, side: 'inverse', toMany, related: target };
  }
  return { storage: storageOf(schema, model, attribute)!, side: 'owner', toMany, related: target };
}

function storageOf(schema: Schema, owner: Model, attribute: RelationAttribute): RelationStorage | undefined {
  const target = attribute.target ? schema.contentTypes.get(attribute.target) : undefined;
  if (!target) return undefined;
  return {
    owner,
    ownerAttribute: attribute,
    table: linkTableName(owner, attribute),
    target,
    ownerToOne: attribute.relation === 'oneToOne' || attribute.relation === 'manyToOne',
    // Only a two-way relation makes the target exclusive (its inverse side is to-one); a one-way
    // oneToOne may point many owners at one target, as in Strapi.
    targetToOne:
      attribute.inversedBy !== undefined &&
      (attribute.relation === 'oneToOne' || attribute.relation === 'oneToMany'),
  };
}

/** Every owning relation attribute with storage (media attributes included), for DDL. */
export function ownedRelations(schema: Schema): RelationStorage[] {
  const result: RelationStorage[] = [];
  for (const model of schema.models()) {
    for (const attribute of model.attributes.values()) {
      const relation = attribute.kind === 'media' ? mediaRelation(attribute) : attribute;
      if (relation.kind !== 'relation' || relation.mappedBy || relation.relation.startsWith('morph'))
        continue;
      const storage = storageOf(schema, model, relation);
      if (storage) result.push(storage);
    }
  }
  return result;
}

/** The uid of the media library's file type (media attributes link to its documents). */
export const FILE_UID = 'plugin::upload.file';

const mediaRelations = new WeakMap<MediaAttribute, RelationAttribute>();

/**
 * A media attribute is stored as a one-way relation to files (Strapi uses a polymorphic link table; a
 * plain one per attribute does the same job here): single media is to-one, multiple media to-many, and a
 * file may be used by any number of documents. The same object is returned for the same attribute, so
 * it can key caches.
 */
export function mediaRelation(attribute: MediaAttribute): RelationAttribute {
  let relation = mediaRelations.get(attribute);
  if (!relation) {
    relation = Object.freeze({
      kind: 'relation',
      name: attribute.name,
      required: attribute.required,
      private: attribute.private,
      writable: attribute.writable,
      raw: attribute.raw,
      relation: attribute.multiple ? 'manyToMany' : 'manyToOne',
      target: FILE_UID,
    });
    mediaRelations.set(attribute, relation);
  }
  return relation;
}
