import type { Attribute, Model, ScalarAttribute } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import { mediaRelation, relationView } from '../schema/relations.js';
import type { FilterNode, RelatedLink } from './types.js';

/** What parsing needs besides the raw parameters: the schema, and which types the caller may read. */
export interface QueryScope {
  readonly schema: Schema;
  canRead(uid: string): boolean;
  /** The caller's read conditions on a related type, as a filter tree (undefined: none). */
  readConditions?(model: Model): FilterNode | undefined;
  /**
   * Fields of content types that only permission conditions may filter on (the creator column), by name;
   * absent for what clients send.
   */
  readonly conditionFields?: ReadonlyMap<string, ScalarAttribute>;
}

/**
 * The link behind a relation or component attribute; 'unavailable' for attributes Quorum loads but
 * cannot follow (media until the media library exists, morph relations, relations to absent plugin
 * types); 'restricted' for relations to types the caller may not read; undefined for scalars and
 * dynamic zones.
 */
export function resolveLink(
  scope: QueryScope,
  model: Model,
  attribute: Attribute,
): RelatedLink | 'unavailable' | 'restricted' | undefined {
  const { schema } = scope;
  switch (attribute.kind) {
    case 'relation': {
      const view = relationView(schema, model, attribute);
      if (!view) return 'unavailable';
      // A relation to a type the caller may not read is not there for them (Strapi §6.4).
      if (view.related.modelType === 'contentType' && !scope.canRead(view.related.uid)) return 'restricted';
      return { kind: 'relation', attribute, view };
    }
    case 'component': {
      const component = schema.components.get(attribute.component);
      return component
        ? { kind: 'component', field: attribute.name, component, parentUid: model.uid }
        : 'unavailable';
    }
    case 'media': {
      // Files are not subject to the caller's find permission through a media attribute, as in Strapi.
      const relation = mediaRelation(attribute);
      const view = relationView(schema, model, relation);
      return view ? { kind: 'relation', attribute: relation, view } : 'unavailable';
    }
    default:
      return undefined;
  }
}

/** Whether the attribute yields a list (to-many relation, repeatable component, multiple media, dynamic zone). */
export function isToMany(attribute: Attribute): boolean {
  switch (attribute.kind) {
    case 'relation':
      return (
        attribute.relation === 'oneToMany' ||
        attribute.relation === 'manyToMany' ||
        attribute.relation === 'morphToMany' ||
        attribute.relation === 'morphMany'
      );
    case 'component':
      return attribute.repeatable;
    case 'media':
      return attribute.multiple;
    case 'dynamiczone':
      return true;
    default:
      return false;
  }
}
