import type { ContentType, Model, ScalarAttribute } from '../schema/model.js';

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
  /** A condition on a related model (relation, component, media): matches when some related row matches. */
  | {
      readonly kind: 'related';
      readonly attribute: string;
      readonly model: Model;
      readonly child: FilterNode;
    };

export interface SortItem {
  /** Attribute names from the root model down to the sorted scalar (length 1 for a scalar of the root). */
  readonly path: readonly string[];
  readonly field: ScalarAttribute;
  readonly direction: 'asc' | 'desc';
}

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
  readonly pagination: Pagination;
}

export interface ApiLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly withCount: boolean;
}
