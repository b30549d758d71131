import type { Attribute, Model } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import { relationView } from '../schema/relations.js';
import type { RelatedLink } from './types.js';

/**
 * The link behind a relation or component attribute; 'unavailable' for attributes Quorum loads but
 * cannot follow (media until the media library exists, morph relations, relations to absent plugin
 * types); undefined for scalars and dynamic zones.
 */
export function resolveLink(
  schema: Schema,
  model: Model,
  attribute: Attribute,
): RelatedLink | 'unavailable' | undefined {
  switch (attribute.kind) {
    case 'relation': {
      const view = relationView(schema, model, attribute);
      return view ? { kind: 'relation', attribute, view } : 'unavailable';
    }
    case 'component': {
      const component = schema.components.get(attribute.component);
      return component
        ? { kind: 'component', field: attribute.name, component, parentUid: model.uid }
        : 'unavailable';
    }
    case 'media':
      return 'unavailable';
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
