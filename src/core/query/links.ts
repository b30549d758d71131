import { queryTooCostly } from '../errors.js';
import type { Attribute, Model, ScalarAttribute } from '../schema/model.js';
import type { Schema } from '../schema/registry.js';
import { mediaRelation, relationView } from '../schema/relations.js';
import type { FilterNode, RelatedLink } from './types.js';

/** What parsing needs besides the raw parameters: the schema, and which types the caller may read. */
export interface QueryScope {
  readonly schema: Schema;
  /** The locale a request without `locale` reads and writes (needed to parse one of a localized type). */
  readonly defaultLocale?: string;
  canRead(uid: string): boolean;
  /** The caller's read conditions on a related type, as a filter tree (undefined: none). */
  readConditions?(model: Model): FilterNode | undefined;
  /**
   * Fields of content types that only permission conditions may filter on (the creator column), by name;
   * absent for what clients send.
   */
  readonly conditionFields?: ReadonlyMap<string, ScalarAttribute>;
  /**
   * Set for permission conditions (Quorum's own, Strapi has none on end-user grants): a condition through
   * a relation holds only for documents that have a related row, never by Strapi's row of nulls, so
   * `owner.id = $user.id` matches nothing for a caller without a user rather than every unowned document.
   */
  readonly relatedRowRequired?: boolean;
  /**
   * Most relations and components a path in filters, sort or populate may cross (`api.rest.maxDepth`);
   * absent for trusted callers (permission conditions, event payloads).
   */
  readonly maxDepth?: number;
  /**
   * Most relations and components the filters of one query, or its sort, may cross in total
   * (`api.rest.maxRelationHops`); absent for trusted callers. Every crossing costs work per row read.
   */
  readonly maxRelationHops?: number;
}

/** 400 for filters or a sort that cross more relations and components in total than the scope allows. */
export function checkHops(scope: QueryScope, param: 'filters' | 'sort', hops: number): void {
  if (scope.maxRelationHops === undefined || hops <= scope.maxRelationHops) return;
  throw queryTooCostly(
    `${param} cross more than ${scope.maxRelationHops} relations or components in total (api.rest.maxRelationHops)`,
    { source: 'query', param, maxRelationHops: scope.maxRelationHops },
  );
}

/**
 * 400 for a path that crosses more relations or components than the scope allows. Compiled reads cost
 * time linear in a path's length, but a path is one request's worth of joins: without a bound, one
 * anonymous GET could name thousands.
 */
export function checkDepth(
  scope: QueryScope,
  param: 'filters' | 'sort' | 'populate',
  path: readonly string[],
  depth: number,
): void {
  if (scope.maxDepth === undefined || depth <= scope.maxDepth) return;
  throw queryTooCostly(
    `${param} path ${path.join('.')} crosses more than ${scope.maxDepth} relations or components (api.rest.maxDepth)`,
    { source: 'query', param, path: path.join('.'), maxDepth: scope.maxDepth },
  );
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
      if (model.modelType === 'contentType' && attribute === model.localizations)
        return { kind: 'localizations', type: model };
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
