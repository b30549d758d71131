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
   * A condition through a relation or a component, with the meaning of Strapi's LEFT JOINs (see
   * compile.ts): with `child`, matches when some related row matches it — or, when there is no related
   * row, when `child` holds of a row of nulls (`filters[category][code][$null]=true` matches a document
   * without a category); `exists` is then true. Without `child`: when some related row exists
   * (`exists`) or none does. `restrict` narrows which related rows count at all (the caller's read
   * conditions on the related type); it is never negated with the child.
   */
  | {
      readonly kind: 'related';
      readonly link: RelatedLink;
      readonly child?: FilterNode;
      readonly exists: boolean;
      readonly restrict?: FilterNode;
      /** No row of nulls: only documents with a related row can match (permission conditions). */
      readonly rowRequired?: boolean;
    };

/** How to get from a row of one model to its related rows. */
export type RelatedLink =
  | { readonly kind: 'relation'; readonly attribute: RelationAttribute; readonly view: RelationView }
  /** A localized type's `localizations`: the rows of the same document and status in other locales. */
  | { readonly kind: 'localizations'; readonly type: ContentType }
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
  if (link.kind === 'localizations') return link.type;
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

/**
 * A to-one relation read in the page's own statement, by a LEFT JOIN, instead of by a batched query of
 * its own: the relation's side is one link row per owner row (the relation writes keep it so), so the
 * join neither repeats nor drops page rows. Its columns come back as `<alias>_<field index>`
 * (`joinedColumn` in compile.ts), and `joinMarker` names the one holding the related id (null: nothing visible is
 * linked).
 */
export interface JoinedRelation {
  /** Unique within the statement; starts with `__`, which no attribute name can. */
  readonly alias: string;
  /** The attribute the relation is populated under. */
  readonly name: string;
  readonly link: Extract<RelatedLink, { kind: 'relation' }>;
  readonly query: SubQuery;
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

/**
 * Which locale a read or write of a localized type addresses: a code, or `*` (every locale); undefined
 * for a type that is not localized.
 */
export type LocaleSelection = string | undefined;

/**
 * Strapi's `publicationFilter` cohorts: rows of the requested status kept by what their document's
 * other version is (see compile.ts `publicationCondition`). Without locales, the `-document` variants
 * mean the same as the others.
 */
export type PublicationFilter =
  | 'never-published'
  | 'has-published-version'
  | 'modified'
  | 'unmodified'
  | 'never-published-document'
  | 'has-published-version-document'
  | 'published-without-draft'
  | 'published-with-draft';

/** Everything a `find` needs, validated. Built by parse.ts from Strapi-style query parameters. */
export interface FindQuery {
  readonly type: ContentType;
  readonly status: Status;
  /** `locale` (see LocaleSelection). */
  readonly locale: LocaleSelection;
  /** `publicationFilter` / `hasPublishedVersion` (empty: none). */
  readonly publication: readonly PublicationFilter[];
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
  /** Relations and components a path in filters, sort or populate may cross. */
  readonly maxDepth: number;
  /** Relations and components the filters of one query, or its sort, may cross in total. */
  readonly maxRelationHops: number;
  /** Related documents and component entries one read may populate. */
  readonly maxPopulatedDocuments: number;
}
