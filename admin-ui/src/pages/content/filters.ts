import type { AttributeDefinition } from '../../api/content-types';

/** One condition of the list view's filter bar: `field op value`, e.g. `views $gt 10`. */
export interface ListFilter {
  readonly field: string;
  readonly operator: string;
  readonly value: string;
}

const TEXT = ['string', 'text', 'email', 'uid', 'richtext'];
const ORDERED = ['integer', 'biginteger', 'float', 'decimal', 'date', 'time', 'datetime', 'timestamp'];

export const OPERATOR_LABELS: Record<string, string> = {
  $containsi: 'contains',
  $notContainsi: 'does not contain',
  $eq: 'is',
  $ne: 'is not',
  $startsWithi: 'starts with',
  $gt: 'is greater than',
  $gte: 'is at least',
  $lt: 'is less than',
  $lte: 'is at most',
  $null: 'is empty',
  $notNull: 'is not empty',
};

/** The operators that make sense for an attribute type (Strapi's filter operators). */
export function operatorsFor(attribute: AttributeDefinition): string[] {
  if (TEXT.includes(attribute.type))
    return ['$containsi', '$notContainsi', '$eq', '$ne', '$startsWithi', '$null', '$notNull'];
  if (ORDERED.includes(attribute.type))
    return ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$null', '$notNull'];
  if (attribute.type === 'boolean' || attribute.type === 'enumeration')
    return ['$eq', '$ne', '$null', '$notNull'];
  return [];
}

/** Attributes the filter bar offers: those with operators, not private. */
export function filterableFields(
  attributes: Readonly<Record<string, AttributeDefinition>>,
): [string, AttributeDefinition][] {
  return Object.entries(attributes).filter(([, a]) => !a.private && operatorsFor(a).length > 0);
}

export const takesValue = (operator: string) => operator !== '$null' && operator !== '$notNull';

/** `filters` for the API: every condition must hold. */
export function toQueryFilters(filters: readonly ListFilter[]): Record<string, unknown> | undefined {
  if (filters.length === 0) return undefined;
  return {
    $and: filters.map((f) => ({ [f.field]: { [f.operator]: takesValue(f.operator) ? f.value : true } })),
  };
}

/** Filters live in the URL (`?filter=views|$gt|10`), so a filtered list can be bookmarked and shared. */
export const encodeFilter = (f: ListFilter) => `${f.field}|${f.operator}|${f.value}`;
export function decodeFilter(raw: string): ListFilter | null {
  const [field, operator, ...rest] = raw.split('|');
  return field && operator ? { field, operator, value: rest.join('|') } : null;
}
