import { SCALAR_STORAGE, SEARCHABLE_TYPES, isScalarType } from './attribute-types.js';
import { SchemaError } from './errors.js';
import {
  RELATION_KINDS,
  LOCALIZATIONS,
  isLocalizedDefinition,
  isSharedAttribute,
  type RelationAttribute,
  type Attribute,
  type Component,
  type ContentType,
  type RelationKind,
  type ScalarAttribute,
  type SchemaDefinition,
  type SchemaOwner,
} from './model.js';
import { ATTRIBUTE_NAME, ROUTE_NAME, TABLE_NAME, toSnakeCase } from './naming.js';
import {
  CONTENT_TYPE_LEADING_FIELDS,
  CONTENT_TYPE_TRAILING_FIELDS,
  ID_FIELD,
  LOCALE_FIELD,
  RESERVED_ATTRIBUTE_NAMES,
  RESERVED_COLUMNS,
} from './system-fields.js';

const RELATION_KIND_SET: ReadonlySet<string> = new Set(RELATION_KINDS);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a definition came from, for messages: "src/api/article/content-types/article/schema.json". */
function describe(source: SchemaOwner, uid: string): string {
  return source.owner === 'file' ? source.path : `runtime type ${uid}`;
}

export function normalizeContentType(
  uid: string,
  definition: SchemaDefinition,
  source: SchemaOwner,
): ContentType {
  const where = describe(source, uid);
  const fail = (message: string): never => {
    throw new SchemaError(`${where}: ${message}`);
  };
  if (!isObject(definition)) fail('the schema must be a JSON object');
  const kind = definition.kind;
  if (kind !== 'collectionType' && kind !== 'singleType')
    fail('"kind" must be "collectionType" or "singleType"');
  const info = isObject(definition.info) ? definition.info : fail('"info" must be an object');
  const singularName = stringOption(info, 'singularName', where);
  const pluralName = stringOption(info, 'pluralName', where);
  if (!ROUTE_NAME.test(singularName))
    fail(`info.singularName "${singularName}" must be kebab-case (a-z, 0-9, -)`);
  if (!ROUTE_NAME.test(pluralName)) fail(`info.pluralName "${pluralName}" must be kebab-case (a-z, 0-9, -)`);
  if (singularName === pluralName) fail('info.singularName and info.pluralName must differ');
  const tableName =
    typeof definition.collectionName === 'string' ? definition.collectionName : toSnakeCase(pluralName);
  checkTableName(tableName, where);
  const options = isObject(definition.options) ? definition.options : {};

  const attributes = normalizeAttributes(definition.attributes, where);
  const localized = isLocalizedDefinition(definition);
  const trailing = [...CONTENT_TYPE_TRAILING_FIELDS, ...(localized ? [LOCALE_FIELD] : [])];
  return Object.freeze({
    modelType: 'contentType',
    uid,
    kind: kind as ContentType['kind'],
    singularName,
    pluralName,
    displayName: typeof info.displayName === 'string' ? info.displayName : singularName,
    tableName,
    draftAndPublish: options.draftAndPublish === true,
    localized,
    shared: localized ? Object.freeze([...attributes.values()].filter(isSharedAttribute)) : [],
    localizations: localized ? localizationsOf(uid) : undefined,
    attributes,
    fields: fieldsOf(attributes, [...CONTENT_TYPE_LEADING_FIELDS], trailing),
    definition,
    source,
  });
}

export function normalizeComponent(
  uid: string,
  definition: SchemaDefinition,
  source: SchemaOwner,
): Component {
  const where = describe(source, uid);
  if (!isObject(definition)) throw new SchemaError(`${where}: the component must be a JSON object`);
  const [category] = uid.split('.');
  const info = isObject(definition.info) ? definition.info : {};
  const tableName =
    typeof definition.collectionName === 'string'
      ? definition.collectionName
      : `components_${toSnakeCase(uid.replace('.', '_'))}`;
  checkTableName(tableName, where);
  const attributes = normalizeAttributes(definition.attributes, where);
  return Object.freeze({
    modelType: 'component',
    uid,
    category,
    displayName: typeof info.displayName === 'string' ? info.displayName : uid,
    tableName,
    attributes,
    fields: fieldsOf(attributes, [ID_FIELD], []),
    definition,
    source,
  });
}

/** Strapi's injected `localizations` attribute (i18n register.js), virtual: no table, not writable. */
function localizationsOf(uid: string): RelationAttribute {
  const raw = {
    type: 'relation',
    relation: 'oneToMany',
    target: uid,
    writable: false,
    unstable_virtual: true,
  };
  return Object.freeze({
    kind: 'relation',
    name: LOCALIZATIONS,
    relation: 'oneToMany',
    target: uid,
    required: false,
    private: false,
    writable: false,
    raw: Object.freeze(raw),
  });
}

function checkTableName(tableName: string, where: string): void {
  if (!TABLE_NAME.test(tableName) || tableName.length > 55) {
    throw new SchemaError(
      `${where}: collectionName "${tableName}" must be a SQL identifier of at most 55 characters`,
    );
  }
  if (tableName.toLowerCase().startsWith('quorum_')) {
    throw new SchemaError(`${where}: collectionName "${tableName}" uses the reserved prefix quorum_`);
  }
}

function fieldsOf(
  attributes: ReadonlyMap<string, Attribute>,
  leading: ScalarAttribute[],
  trailing: ScalarAttribute[],
): ReadonlyMap<string, ScalarAttribute> {
  const fields = new Map<string, ScalarAttribute>();
  for (const field of leading) fields.set(field.name, field);
  for (const attribute of attributes.values())
    if (attribute.kind === 'scalar') fields.set(attribute.name, attribute);
  for (const field of trailing) fields.set(field.name, field);
  return fields;
}

function normalizeAttributes(raw: unknown, where: string): ReadonlyMap<string, Attribute> {
  if (raw === undefined) return new Map();
  if (!isObject(raw)) throw new SchemaError(`${where}: "attributes" must be an object`);
  const attributes = new Map<string, Attribute>();
  const columns = new Map<string, string>();
  for (const [name, spec] of Object.entries(raw)) {
    const at = `${where}: attribute "${name}"`;
    if (!ATTRIBUTE_NAME.test(name))
      throw new SchemaError(`${at}: names may use letters, digits, _ and - only`);
    if (RESERVED_ATTRIBUTE_NAMES.has(name)) throw new SchemaError(`${at}: the name is reserved`);
    if (!isObject(spec)) throw new SchemaError(`${at}: must be an object with a "type"`);
    const attribute = normalizeAttribute(name, spec, at);
    if (attribute.kind === 'scalar') {
      if (RESERVED_COLUMNS.has(attribute.column))
        throw new SchemaError(`${at}: its column name ${attribute.column} is reserved`);
      const clash = columns.get(attribute.column);
      if (clash) throw new SchemaError(`${at}: maps to the same column (${attribute.column}) as "${clash}"`);
      columns.set(attribute.column, name);
    }
    attributes.set(name, attribute);
  }
  return attributes;
}

function normalizeAttribute(name: string, spec: Json, at: string): Attribute {
  const type = spec.type;
  if (typeof type !== 'string') throw new SchemaError(`${at}: "type" must be a string`);
  const base = {
    name,
    required: spec.required === true,
    private: spec.private === true,
    writable: spec.writable !== false,
    raw: Object.freeze({ ...spec }),
  };
  if (isScalarType(type) || type === 'customField') {
    // Custom fields store whatever their plugin produces; without the plugin, JSON holds any of it.
    const scalarType = type === 'customField' ? 'json' : type;
    return normalizeScalar(base, scalarType, spec, at);
  }
  switch (type) {
    case 'relation': {
      const relation = spec.relation as RelationKind;
      if (!RELATION_KIND_SET.has(relation))
        throw new SchemaError(`${at}: unknown relation "${String(spec.relation)}"`);
      if (!relation.startsWith('morph') && typeof spec.target !== 'string') {
        throw new SchemaError(`${at}: a relation needs a "target" uid`);
      }
      return Object.freeze({
        ...base,
        kind: 'relation',
        relation,
        target: typeof spec.target === 'string' ? spec.target : undefined,
        inversedBy: typeof spec.inversedBy === 'string' ? spec.inversedBy : undefined,
        mappedBy: typeof spec.mappedBy === 'string' ? spec.mappedBy : undefined,
      });
    }
    case 'component':
      if (typeof spec.component !== 'string')
        throw new SchemaError(`${at}: a component attribute needs "component"`);
      return Object.freeze({
        ...base,
        kind: 'component',
        component: spec.component,
        repeatable: spec.repeatable === true,
        min: numberOption(spec, 'min', at),
        max: numberOption(spec, 'max', at),
      });
    case 'dynamiczone':
      if (!Array.isArray(spec.components) || !spec.components.every((c) => typeof c === 'string')) {
        throw new SchemaError(`${at}: a dynamic zone needs "components", an array of component uids`);
      }
      return Object.freeze({
        ...base,
        kind: 'dynamiczone',
        components: Object.freeze([...(spec.components as string[])]),
        min: numberOption(spec, 'min', at),
        max: numberOption(spec, 'max', at),
      });
    case 'media':
      return Object.freeze({
        ...base,
        kind: 'media',
        multiple: spec.multiple === true,
        // Strapi's type takes one kind or an array of them ("images" or ["images", "files"]).
        allowedTypes: Array.isArray(spec.allowedTypes)
          ? Object.freeze(spec.allowedTypes.map(String))
          : typeof spec.allowedTypes === 'string'
            ? Object.freeze([spec.allowedTypes])
            : undefined,
      });
    default:
      throw new SchemaError(`${at}: unknown type "${type}"`);
  }
}

function normalizeScalar(
  base: Pick<ScalarAttribute, 'name' | 'required' | 'private' | 'writable' | 'raw'>,
  type: ScalarAttribute['type'],
  spec: Json,
  at: string,
): ScalarAttribute {
  let enumValues: string[] | undefined;
  if (type === 'enumeration') {
    if (
      !Array.isArray(spec.enum) ||
      spec.enum.length === 0 ||
      !spec.enum.every((v) => typeof v === 'string')
    ) {
      throw new SchemaError(`${at}: an enumeration needs "enum", a non-empty array of strings`);
    }
    enumValues = spec.enum as string[];
  }
  let regex: RegExp | undefined;
  if (spec.regex !== undefined) {
    if (typeof spec.regex !== 'string') throw new SchemaError(`${at}: "regex" must be a string`);
    try {
      regex = new RegExp(spec.regex);
    } catch {
      throw new SchemaError(`${at}: "regex" is not a valid regular expression`);
    }
  }
  const isPassword = type === 'password';
  return Object.freeze({
    ...base,
    kind: 'scalar',
    type,
    column: toSnakeCase(base.name),
    storage: SCALAR_STORAGE[type],
    system: false,
    unique: spec.unique === true,
    searchable: SEARCHABLE_TYPES.has(type) && spec.searchable !== false && !base.private && !isPassword,
    min: numberOption(spec, 'min', at),
    max: numberOption(spec, 'max', at),
    minLength: numberOption(spec, 'minLength', at),
    maxLength: numberOption(spec, 'maxLength', at),
    regex,
    enum: enumValues ? Object.freeze(enumValues) : undefined,
    default: spec.default,
    targetField: typeof spec.targetField === 'string' ? spec.targetField : undefined,
  });
}

function stringOption(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '')
    throw new SchemaError(`${where}: info.${key} must be a non-empty string`);
  return value;
}

function numberOption(obj: Json, key: string, at: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  // Strapi schemas sometimes carry numeric options as strings ("min": "1").
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw new SchemaError(`${at}: "${key}" must be a number`);
  return number;
}
