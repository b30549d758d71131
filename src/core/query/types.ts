import type {
  Component,
  ContentType,
  DynamicZoneAttribute,
  Model,
  RelationAttribute,
  ScalarAttribute,
} from '../schema/model.js';
import type { RelationView } from '../schema/relations.js';

export type ComparisonOperator =
  | '$eq'
  | '$eqi'
  | '$ne'
  | '$nei'
  | '$lt'
  | '$lte'
  | '$gt'
  | '$gte'
  | '$in'
  | '$notIn'
  | '$contains'
  | '$notContains'
  | '$containsi'
  | '$notContainsi'
  | '$startsWith'
  | '$startsWithi'
  | '$endsWith'
  | '$endsWithi'
  | '$null'
  | '$notNull'
  | '$between';

export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>([
  '$eq',
  '$eqi',
  '$ne',
  '$nei',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$notIn',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
  '$null',
  '$notNull',
  '$between',
]);

export const LOGICAL_OPERATORS: ReadonlySet<string> = new Set(['$and', '$or', '$not']);

/** A validated, typed filter tree. Values are already cast to the attribute type. */
export type FilterNode =
  | { readonly kind: 'and'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly child: FilterNode }
  | {
      readonly kind: 'condition';
      readonly field: ScalarAttribute;
      readonly operator: ComparisonOperator;
      /** Scalar for most operators; array for $in/$notIn/$between; boolean for $null/$notNull. */
      readonly value: unknown;
    }
  /**
   * A condition through a relation or a component: with `exists`, matches when some related row
   * matches `child` (or any related row when there is no child); without, when none does.
   */
  | {
      readonly kind: 'related';
      readonly link: RelatedLink;
      readonly child?: FilterNode;
      readonly exists: boolean;
    };

/** How to get from a row of one model to its related rows. */
export type RelatedLink =
  | { readonly kind: 'relation'; readonly attribute: RelationAttribute; readonly view: RelationView }
  | {
      readonly kind: 'component';
      /** The attribute (a component attribute or a dynamic zone) whose rows these are. */
      readonly field: string;
      readonly component: Component;
      /** uid of the model holding the attribute (component rows point back to it). */
      readonly parentUid: string;
    };

/** The model a link leads to. */
export function linkedModel(link: RelatedLink): Model {
  return link.kind === 'relation' ? link.view.related : link.component;
}

export interface SortItem {
  /** Attribute names from the root model down to the sorted scalar (length 1 for a scalar of the root). */
  readonly path: readonly string[];
  /** The relations and components walked before reaching the field (empty for a scalar of the root). */
  readonly steps: readonly RelatedLink[];
  readonly field: ScalarAttribute;
  readonly direction: 'asc' | 'desc';
}

/** What to read of a related model: the same knobs as a top-level query, minus pagination. */
export interface SubQuery {
  readonly model: Model;
  readonly fields: readonly ScalarAttribute[];
  readonly filters?: FilterNode;
  readonly sort: readonly SortItem[];
  readonly populate: readonly PopulateNode[];
}

/** One attribute to populate, validated. */
export type PopulateNode =
  | {
      readonly kind: 'link';
      readonly name: string;
      readonly link: RelatedLink;
      readonly toMany: boolean;
      /** `populate[x][count]=true`: the number of related documents instead of the documents. */
      readonly count: boolean;
      readonly query: SubQuery;
    }
  | {
      readonly kind: 'dynamiczone';
      readonly name: string;
      readonly attribute: DynamicZoneAttribute;
      readonly parentUid: string;
      /** Per component uid: what to read of entries of that component. */
      readonly components: ReadonlyMap<string, SubQuery>;
    }
  /** Attributes Quorum cannot resolve (media until the media library exists, relations to absent plugin types). */
  | {
      readonly kind: 'unavailable';
      readonly name: string;
      readonly toMany: boolean;
    };

export type Pagination =
  | { readonly mode: 'page'; readonly page: number; readonly pageSize: number; readonly withCount: boolean }
  | { readonly mode: 'offset'; readonly start: number; readonly limit: number; readonly withCount: boolean };

export type Status = 'published' | 'draft';

/** Everything a `find` needs, validated. Built by parse.ts from Strapi-style query parameters. */
export interface FindQuery {
  readonly type: ContentType;
  readonly status: Status;
  readonly filters?: FilterNode;
  readonly sort: readonly SortItem[];
  /** Selected scalar fields in output order (id and documentId always included). */
  readonly fields: readonly ScalarAttribute[];
  readonly populate: readonly PopulateNode[];
  readonly pagination: Pagination;
}

export interface ApiLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly withCount: boolean;
}
