import { invalidKey, invalidQuery, queryTooCostly } from '../errors.js';
import {
  LOCALIZATIONS,
  defaultFields,
  isPrivateI18nName,
  queryAttribute,
  type Attribute,
  type DynamicZoneAttribute,
  type Model,
} from '../schema/model.js';
import { Invalid, parseBoolean } from '../values.js';
import { parseFields } from './fields.js';
import { and, parseFilters } from './filters.js';
import { checkDepth, isToMany, resolveLink, type QueryScope } from './links.js';
import { asList, isPlainObject } from './raw.js';
import { parseSort } from './sort.js';
import { linkedModel, type PopulateNode, type SubQuery } from './types.js';

const MAX_POPULATE_NODES = 100;
const LINK_KEYS = new Set(['populate', 'fields', 'filters', 'sort', 'count']);
const ZONE_KEYS = new Set(['on', 'populate']);
const FRAGMENT_KEYS = new Set(['populate', 'fields', 'filters', 'sort']);

interface Walk {
  readonly scope: QueryScope;
  nodes: number;
}

/**
 * Marks the options made from a dotted path (`populate=category.products`): the path goes on, where a
 * nested `populate` starts one of its own — Strapi validates every nested `populate` afresh, so its
 * "Invalid key" errors name paths from there (validate/validators.ts).
 */
const DOTTED = Symbol('dotted');

/**
 * Strapi `populate` in every form (reference §3.5): `*`, `a,b`, dotted paths, arrays, the object form with
 * nested populate/fields/filters/sort/count, and dynamic-zone `on` fragments. Returns the validated tree;
 * scalars, unknown and private attributes are 400 `Invalid key`.
 */
export function parsePopulate(scope: QueryScope, model: Model, raw: unknown): PopulateNode[] {
  if (raw === undefined || raw === null || raw === '') return [];
  return build({ scope, nodes: 0 }, model, raw, [], [], 0);
}

/**
 * `depth`: how many relations and components were crossed to reach `model`; `path`: their names from
 * the root; `at`: the path Strapi's errors name (see DOTTED).
 */
function build(
  walk: Walk,
  model: Model,
  raw: unknown,
  path: readonly string[],
  at: readonly string[],
  depth: number,
): PopulateNode[] {
  const nodes: PopulateNode[] = [];
  for (const [name, value] of entries(model, raw, path)) {
    if (++walk.nodes > MAX_POPULATE_NODES)
      throw queryTooCostly(`populate names too many attributes (at most ${MAX_POPULATE_NODES})`, {
        source: 'query',
        param: 'populate',
      });
    const node = buildNode(walk, model, name, value, [...path, name], at, depth + 1);
    if (node) nodes.push(node);
  }
  return nodes;
}

/** Every accepted form, flattened to attribute → value (true, false or an object), merging repeats. */
function entries(model: Model, raw: unknown, path: readonly string[]): Map<string, unknown> {
  const result = new Map<string, unknown>();
  const add = (name: string, value: unknown) => result.set(name, merge(result.get(name), value));
  const addPath = (dotted: string) => {
    const [head, ...rest] = dotted.trim().split('.');
    if (!head) return;
    add(head, rest.length ? { populate: rest.join('.'), [DOTTED]: true } : true);
  };
  if (typeof raw === 'string') {
    if (raw.trim() === '*') {
      // Strapi's order (recorded: findone-a1-fr-populate-star.json): components and relations as
      // declared, then a localized type's `localizations`, then dynamic zones.
      const all = [...model.attributes.values()].filter(populatable);
      for (const attribute of all) if (attribute.kind !== 'dynamiczone') add(attribute.name, true);
      if (model.modelType === 'contentType' && model.localizations) add(LOCALIZATIONS, true);
      for (const attribute of all) if (attribute.kind === 'dynamiczone') add(attribute.name, true);
    } else {
      raw.split(',').forEach(addPath);
    }
    return result;
  }
  const list = asList(raw);
  if (list) {
    for (const item of list) for (const [name, value] of entries(model, item, path)) add(name, value);
    return result;
  }
  if (isPlainObject(raw)) {
    for (const [name, value] of Object.entries(raw)) add(name, value);
    return result;
  }
  throw invalidQuery(
    `Invalid populate parameter${path.length ? ` at ${path.join('.')}` : ''}: expected a string, an array or an object`,
    {
      source: 'query',
      param: 'populate',
    },
  );
}

function populatable(attribute: Attribute): boolean {
  return attribute.kind !== 'scalar' && !attribute.private;
}

function merge(a: unknown, b: unknown): unknown {
  if (a === undefined || a === true || a === 'true' || a === '*')
    return isPlainObject(b) || a === undefined ? b : a;
  if (b === true || b === 'true' || b === '*') return a;
  if (isPlainObject(a) && isPlainObject(b)) {
    const populate = [a.populate, b.populate].filter((p) => p !== undefined);
    return {
      ...a,
      ...b,
      ...(populate.length ? { populate: populate.length === 1 ? populate[0] : populate } : {}),
    };
  }
  return b;
}

function enabled(value: unknown): boolean | 'object' {
  if (value === true || value === 'true' || value === '*') return true;
  if (value === false || value === 'false') return false;
  if (isPlainObject(value)) return 'object';
  throw invalidQuery(`Invalid populate value: expected true, false, "*" or an object`, {
    source: 'query',
    param: 'populate',
  });
}

/** `at`: the path Strapi's errors name, above `name`. */
function buildNode(
  walk: Walk,
  model: Model,
  name: string,
  value: unknown,
  path: readonly string[],
  at: readonly string[],
  depth: number,
): PopulateNode | undefined {
  const attribute = queryAttribute(model, name);
  // A name that is no attribute is named with the path above it, an attribute that cannot be
  // populated (a scalar, a private one) with its own, as Strapi does.
  const here = attribute || isPrivateI18nName(model, name) ? [...at, name] : at;
  if (!attribute || !populatable(attribute))
    throw invalidKey(name, {
      source: 'query',
      param: 'populate',
      path: here.length ? here.join('.') : undefined,
    });
  const mode = enabled(value);
  if (mode === false) return undefined;
  checkDepth(walk.scope, 'populate', path, depth);
  const options = mode === 'object' ? (value as Record<string | symbol, unknown>) : {};
  if (attribute.kind === 'dynamiczone') return buildZone(walk, model, attribute, options, path, here, depth);
  if (options.on !== undefined)
    throw invalidQuery(`Using fragments is not permitted to populate ${name}`, {
      key: 'on',
      source: 'query',
      param: 'populate',
    });
  const link = resolveLink(walk.scope, model, attribute);
  // Relations to types the caller may not read vanish from the output, silently, as in Strapi (§6.4).
  if (link === 'restricted') return undefined;
  if (link === 'unavailable' || link === undefined)
    return { kind: 'unavailable', name, toMany: isToMany(attribute) };
  for (const key of Object.keys(options)) {
    if (!LINK_KEYS.has(key))
      throw invalidKey(key, { source: 'query', param: 'populate', path: here.join('.') });
  }
  let count = false;
  if (options.count !== undefined) {
    const flag = parseBoolean(options.count);
    if (flag instanceof Invalid)
      throw invalidQuery(`Invalid count value for populate ${path.join('.')}: expected a boolean`, {
        source: 'query',
        param: 'populate',
      });
    if (flag && link.kind !== 'relation') {
      throw invalidQuery(`populate ${path.join('.')}: count applies to relations only`, {
        source: 'query',
        param: 'populate',
      });
    }
    count = flag;
  }
  return {
    kind: 'link',
    name,
    link,
    toMany: isToMany(attribute),
    count,
    query: subQuery(walk, linkedModel(link), options, path, options[DOTTED] === true ? here : [], depth),
  };
}

function subQuery(
  walk: Walk,
  model: Model,
  options: Record<string | symbol, unknown>,
  path: readonly string[],
  at: readonly string[],
  depth: number,
): SubQuery {
  return {
    model,
    fields: options.fields === undefined ? defaultFields(model) : parseFields(model, options.fields),
    // The caller's read conditions on the related type hold here too: what they may not find, they
    // may not see (or count) through a relation either.
    filters: and([parseFilters(walk.scope, model, options.filters), walk.scope.readConditions?.(model)]),
    sort: parseSort(walk.scope, model, options.sort),
    populate: options.populate === undefined ? [] : build(walk, model, options.populate, path, at, depth),
  };
}

function buildZone(
  walk: Walk,
  model: Model,
  attribute: DynamicZoneAttribute,
  options: Record<string, unknown>,
  path: readonly string[],
  at: readonly string[],
  depth: number,
): PopulateNode {
  for (const key of Object.keys(options)) {
    if (!ZONE_KEYS.has(key)) {
      throw invalidQuery(
        `Invalid populate for dynamic zone ${attribute.name}: only "on" fragments are allowed (got ${key})`,
        {
          key,
          source: 'query',
          param: 'populate',
        },
      );
    }
  }
  if (
    options.populate !== undefined &&
    options.populate !== '*' &&
    options.populate !== true &&
    options.populate !== 'true'
  ) {
    throw invalidQuery(
      `Invalid populate for dynamic zone ${attribute.name}: use populate=* or "on" fragments`,
      {
        key: 'populate',
        source: 'query',
        param: 'populate',
      },
    );
  }
  const deep = options.populate !== undefined;
  const fragments = options.on === undefined ? {} : options.on;
  if (!isPlainObject(fragments))
    throw invalidQuery(
      `Invalid "on" for dynamic zone ${attribute.name}: expected an object keyed by component`,
      { source: 'query', param: 'populate' },
    );
  for (const uid of Object.keys(fragments)) {
    if (!attribute.components.includes(uid))
      throw invalidKey(uid, { source: 'query', param: 'populate', path: [...at, 'on', uid].join('.') });
  }
  const components = new Map<string, SubQuery>();
  // With `on` fragments only the listed component types come back (Strapi loads a dynamic zone like a
  // polymorphic relation); without them, every allowed type does.
  const listed = Object.keys(fragments).length > 0;
  for (const uid of attribute.components) {
    const component = walk.scope.schema.components.get(uid)!;
    const fragment = fragments[uid];
    if (fragment === undefined) {
      if (!listed)
        components.set(
          uid,
          subQuery(walk, component, deep ? { populate: '*' } : {}, [...path, uid], [], depth),
        );
      continue;
    }
    const mode = enabled(fragment);
    const fragmentOptions = mode === 'object' ? (fragment as Record<string, unknown>) : {};
    for (const key of Object.keys(fragmentOptions)) {
      if (!FRAGMENT_KEYS.has(key))
        throw invalidKey(key, {
          source: 'query',
          param: 'populate',
          path: [...at, 'on', uid].join('.'),
        });
    }
    components.set(uid, subQuery(walk, component, fragmentOptions, [...path, uid], [], depth));
  }
  return { kind: 'dynamiczone', name: attribute.name, attribute, parentUid: model.uid, components };
}
