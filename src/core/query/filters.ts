import { ValidationError, invalidKey, invalidQuery, queryTooCostly } from '../errors.js';
import { STRING_TYPES } from '../schema/attribute-types.js';
import { isPrivateI18nName, queryAttribute, type Model, type ScalarAttribute } from '../schema/model.js';
import { Invalid, castScalar, parseBoolean } from '../values.js';
import { relationView } from '../schema/relations.js';
import { checkDepth, checkHops, resolveLink, type QueryScope } from './links.js';
import { asList, isPlainObject } from './raw.js';
import {
  COMPARISON_OPERATORS,
  linkedModel,
  type ComparisonOperator,
  type FilterNode,
  type RelatedLink,
} from './types.js';

const MAX_FILTER_NODES = 500;

const SUBSTRING_OPERATORS = new Set<ComparisonOperator>([
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
]);
const CASE_INSENSITIVE = new Set<ComparisonOperator>(['$eqi', '$nei']);
const ORDERING = new Set<ComparisonOperator>(['$lt', '$lte', '$gt', '$gte']);

interface Walk {
  readonly scope: QueryScope;
  nodes: number;
  /** Relations and components crossed so far, by every path together. */
  hops: number;
}

/**
 * Validates Strapi `filters` against a model and returns a typed tree (or undefined when empty).
 * Every key is checked before anything runs: unknown, private and password attributes, dynamic zones,
 * unknown or wrongly cased operators, and values of the wrong shape are a 400 naming the key.
 * Relations and components are walked into (`filters[author][name][$eq]=…`).
 */
export function parseFilters(scope: QueryScope, model: Model, raw: unknown): FilterNode | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return parseGroup({ scope, nodes: 0, hops: 0 }, model, raw, []);
}

function count(walk: Walk): void {
  if (++walk.nodes > MAX_FILTER_NODES) {
    throw queryTooCostly(`Too many filters (at most ${MAX_FILTER_NODES})`, {
      source: 'query',
      param: 'filters',
    });
  }
}

/**
 * Strapi's "Invalid key" for filters. `path` is the attribute path above `key`; Strapi names the path
 * of the attributes walked (operators are not part of it): a key that is no attribute is named with
 * the path above it (`Invalid key nope at category`), an attribute that may not be filtered on with its
 * own (`Invalid key secretNote at category.products.secretNote`; at the root just `Invalid key secret`).
 */
function keyError(key: string, path: readonly string[], attribute: boolean): ValidationError {
  const at = attribute ? [...path, key] : path;
  return invalidKey(key, { source: 'query', param: 'filters', path: at.length ? at.join('.') : undefined });
}

function parseGroup(walk: Walk, model: Model, raw: unknown, path: readonly string[]): FilterNode | undefined {
  const list = asList(raw);
  if (list) return and(list.map((item) => parseGroup(walk, model, item, path)));
  if (!isPlainObject(raw)) {
    throw invalidQuery(`Invalid filters${path.length ? ` at ${path.join('.')}` : ''}: expected an object`, {
      source: 'query',
      param: 'filters',
    });
  }
  const children: (FilterNode | undefined)[] = [];
  for (const [key, value] of Object.entries(raw)) {
    count(walk);
    if (key === '$and' || key === '$or') {
      const items = asList(value);
      if (!items)
        throw invalidQuery(`Invalid filters: ${key} expects an array`, {
          key,
          source: 'query',
          param: 'filters',
        });
      const parts = items.map((item) => parseGroup(walk, model, item, path));
      children.push(key === '$and' ? and(parts) : or(parts));
    } else if (key === '$not') {
      const child = parseGroup(walk, model, value, path);
      children.push(child && { kind: 'not', child });
    } else {
      children.push(parseAttribute(walk, model, key, value, path));
    }
  }
  return and(children);
}

function parseAttribute(
  walk: Walk,
  model: Model,
  key: string,
  value: unknown,
  path: readonly string[],
): FilterNode | undefined {
  const field = model.fields.get(key);
  if (field) {
    if (field.private || field.type === 'password') throw keyError(key, path, true);
    return parseFieldCondition(walk, field, value, [...path, key]);
  }
  const conditionField = model.modelType === 'contentType' ? walk.scope.conditionFields?.get(key) : undefined;
  if (conditionField) return parseFieldCondition(walk, conditionField, value, [...path, key]);
  const attribute = queryAttribute(model, key);
  if (!attribute) throw keyError(key, path, isPrivateI18nName(model, key));
  if (attribute.private) throw keyError(key, path, true);
  const link = resolveLink(walk.scope, model, attribute);
  // Dynamic zones cannot be filtered into (Strapi refuses too); media and morph relations are not
  // followed; relations to types the caller may not read are refused (§6.4).
  if (link === 'restricted') {
    // Strapi checks every key first and the caller's access to relations after (validate/index.ts), so
    // what is wrong inside a relation the caller may not read is named first (measured on Strapi 5.54:
    // `filters[author][password]` → `Invalid key password at author.password`).
    if (attribute.kind === 'relation') {
      const view = relationView(walk.scope.schema, model, attribute);
      const open = { ...walk, scope: { ...walk.scope, canRead: () => true } };
      if (view) parseRelated(open, { kind: 'relation', attribute, view }, value, [...path, key]);
    }
    throw keyError(key, path, true);
  }
  if (link === undefined || link === 'unavailable') throw keyError(key, path, true);
  return parseRelated(walk, link, value, [...path, key]);
}

/** Under a relation or component: the related model's filters, plus `$null`/`$notNull` on the link itself. */
function parseRelated(
  walk: Walk,
  link: RelatedLink,
  value: unknown,
  path: readonly string[],
): FilterNode | undefined {
  checkDepth(walk.scope, 'filters', path, path.length);
  checkHops(walk.scope, 'filters', ++walk.hops);
  const related = linkedModel(link);
  // Only related documents the caller may find count as related (their read conditions apply).
  const restrict = walk.scope.readConditions?.(related);
  if (value === null) return { kind: 'related', link, exists: false, restrict };
  if (!isPlainObject(value) && !Array.isArray(value)) {
    // A bare value names the related document: by documentId, or by id when numeric (Strapi v4 habit).
    const id = related.fields.get(
      typeof value === 'string' && !/^\d+$/.test(value) && related.fields.has('documentId')
        ? 'documentId'
        : 'id',
    )!;
    const child = parseFieldCondition(walk, id, value, [...path, id.name]);
    return requireRowIf(walk, child && { kind: 'related', link, exists: true, child, restrict });
  }
  const rest: Record<string, unknown> = {};
  const children: (FilterNode | undefined)[] = [];
  for (const [key, operand] of Object.entries(isPlainObject(value) ? value : { $and: value })) {
    if (key === '$null' || key === '$notNull') {
      const flag = parseBoolean(operand);
      if (flag instanceof Invalid)
        throw invalidQuery(`Invalid value for ${path.join('.')}.${key}: expected ${flag.expected}`, {
          key,
          source: 'query',
          param: 'filters',
        });
      const exists = key === '$null' ? !flag : flag;
      children.push({ kind: 'related', link, exists, restrict });
    } else if (COMPARISON_OPERATORS.has(key)) {
      // Strapi reads another operator given to a relation itself as one on the related row's id.
      const id = related.fields.get('id')!;
      const child = parseFieldCondition(walk, id, { [key]: operand }, [...path, id.name]);
      if (child) children.push({ kind: 'related', link, exists: true, child, restrict });
    } else {
      rest[key] = operand;
    }
  }
  const child = Object.keys(rest).length ? parseGroup(walk, related, rest, path) : undefined;
  if (child) children.push({ kind: 'related', link, exists: true, child, restrict });
  return walk.scope.relatedRowRequired ? and(children.map(requireRow)) : and(children);
}

function requireRowIf(walk: Walk, node: FilterNode | undefined): FilterNode | undefined {
  return walk.scope.relatedRowRequired ? requireRow(node) : node;
}

function requireRow(node: FilterNode | undefined): FilterNode | undefined {
  return node?.kind === 'related' ? { ...node, rowRequired: true } : node;
}

function parseFieldCondition(
  walk: Walk,
  field: ScalarAttribute,
  value: unknown,
  path: readonly string[],
): FilterNode | undefined {
  // Empty conditions are dropped, as Strapi does (in-process callers and GraphQL can produce them).
  if (value === undefined || isEmptyObject(value)) return undefined;
  if (value === null) return condition(field, '$null', true);
  if (Array.isArray(value)) return listCondition(field, '$in', value);
  if (!isPlainObject(value)) return scalarCondition(field, '$eq', value);
  const children: (FilterNode | undefined)[] = [];
  for (const [operator, operand] of Object.entries(value)) {
    count(walk);
    if (operator === '$not') {
      const child = parseFieldCondition(walk, field, operand, path);
      children.push(child && { kind: 'not', child });
    } else if (operator === '$and' || operator === '$or') {
      const items = asList(operand) ?? (isPlainObject(operand) ? [operand] : undefined);
      if (!items)
        throw invalidQuery(`Invalid filters: ${operator} expects an array`, {
          key: operator,
          source: 'query',
          param: 'filters',
        });
      const parts = items.map((item) => parseFieldCondition(walk, field, item, path));
      children.push(operator === '$and' ? and(parts) : or(parts));
    } else if (COMPARISON_OPERATORS.has(operator)) {
      if (operand !== undefined && !isEmptyObject(operand))
        children.push(parseOperator(field, operator as ComparisonOperator, operand));
    } else {
      // Named with the attribute it was given to (`Invalid key $fake at price`), as Strapi does.
      throw invalidKey(operator, { source: 'query', param: 'filters', path: path.join('.') });
    }
  }
  return and(children);
}

function parseOperator(field: ScalarAttribute, operator: ComparisonOperator, operand: unknown): FilterNode {
  if (operator === '$null' || operator === '$notNull') {
    const flag = parseBoolean(operand);
    if (flag instanceof Invalid) throw badValue(field, operator, flag.expected);
    return condition(field, operator, flag);
  }
  if (operator === '$in' || operator === '$notIn') {
    const list = asList(operand) ?? (isPlainObject(operand) ? undefined : [operand]);
    if (!list) throw badValue(field, operator, 'a list of values');
    return listCondition(field, operator, list);
  }
  if (operator === '$between') {
    const list = asList(operand);
    if (!list || list.length !== 2) throw badValue(field, operator, 'a list of two values');
    return condition(field, operator, castList(field, operator, list));
  }
  if (Array.isArray(operand) && (operator === '$eq' || operator === '$ne')) {
    // Strapi's database layer reads an array given to $eq/$ne as $in/$notIn.
    return listCondition(field, operator === '$eq' ? '$in' : '$notIn', operand);
  }
  if (operand === null && (operator === '$eq' || operator === '$ne')) {
    return condition(field, operator === '$eq' ? '$null' : '$notNull', true);
  }
  if (SUBSTRING_OPERATORS.has(operator) || CASE_INSENSITIVE.has(operator)) {
    if (!STRING_TYPES.has(field.type)) {
      throw invalidQuery(
        `Operator ${operator} only applies to text attributes; ${field.name} is ${field.type}`,
        {
          key: operator,
          source: 'query',
          param: 'filters',
        },
      );
    }
    if (typeof operand !== 'string' && typeof operand !== 'number')
      throw badValue(field, operator, 'a string');
    return condition(field, operator, String(operand));
  }
  if (ORDERING.has(operator) && (field.storage === 'json' || field.storage === 'boolean')) {
    throw invalidQuery(`Operator ${operator} does not apply to ${field.type} attributes (${field.name})`, {
      key: operator,
      source: 'query',
      param: 'filters',
    });
  }
  return scalarCondition(field, operator, operand);
}

/**
 * Row ids that are no integers (`filters[id][$eq]=abc`): Strapi passes them to the database as they
 * are, where no row has them (measured on Strapi 5.54: an empty 200); Quorum reads them the same way
 * on every database, rather than as a 400.
 */
function isForeignId(field: ScalarAttribute, value: unknown): boolean {
  return (
    field.name === 'id' &&
    !isPlainObject(value) &&
    !Array.isArray(value) &&
    castScalar(field.type, value) instanceof Invalid
  );
}

function scalarCondition(field: ScalarAttribute, operator: ComparisonOperator, value: unknown): FilterNode {
  if ((operator === '$eq' || operator === '$ne') && isForeignId(field, value))
    return condition(field, operator === '$eq' ? '$in' : '$notIn', []);
  return condition(field, operator, cast(field, operator, value));
}

function listCondition(field: ScalarAttribute, operator: '$in' | '$notIn', values: unknown[]): FilterNode {
  const kept = values.filter((value) => !isForeignId(field, value));
  return condition(field, operator, castList(field, operator, kept));
}

function cast(field: ScalarAttribute, operator: string, value: unknown): unknown {
  if (field.storage === 'json') {
    throw invalidQuery(
      `Attribute ${field.name} (${field.type}) can only be filtered with $null and $notNull`,
      {
        key: field.name,
        source: 'query',
        param: 'filters',
      },
    );
  }
  if (isPlainObject(value) || Array.isArray(value)) throw badValue(field, operator, 'a single value');
  const result = castScalar(field.type, value);
  if (result instanceof Invalid) throw badValue(field, operator, result.expected);
  return result;
}

function castList(field: ScalarAttribute, operator: string, values: unknown[]): unknown[] {
  if (values.length > 1000) throw badValue(field, operator, 'at most 1000 values');
  return values.map((v) => cast(field, operator, v));
}

function badValue(field: ScalarAttribute, operator: string, expected: string): ValidationError {
  return invalidQuery(`Invalid value for ${field.name}.${operator}: expected ${expected}`, {
    key: field.name,
    source: 'query',
    param: 'filters',
  });
}

function isEmptyObject(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function condition(field: ScalarAttribute, operator: ComparisonOperator, value: unknown): FilterNode {
  return { kind: 'condition', field, operator, value };
}

export function and(nodes: readonly (FilterNode | undefined)[]): FilterNode | undefined {
  const kept = nodes.filter((n): n is FilterNode => n !== undefined);
  if (kept.length === 0) return undefined;
  return kept.length === 1 ? kept[0] : { kind: 'and', children: kept };
}

function or(nodes: readonly (FilterNode | undefined)[]): FilterNode | undefined {
  const kept = nodes.filter((n): n is FilterNode => n !== undefined);
  if (kept.length === 0) return undefined;
  return kept.length === 1 ? kept[0] : { kind: 'or', children: kept };
}

/** `_q`: a case-insensitive substring search over the searchable text attributes. */
export function searchFilter(model: Model, raw: unknown): FilterNode | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw invalidQuery('Invalid _q parameter: expected a string', { source: 'query', param: '_q' });
  const fields = [...model.fields.values()].filter((f) => f.searchable);
  // A type with nothing searchable matches nothing rather than everything.
  if (fields.length === 0)
    return { kind: 'condition', field: model.fields.get('id')!, operator: '$null', value: true };
  return or(fields.map((field) => condition(field, '$containsi', raw)));
}
