import type { Storage } from '../../db/types.js';

/** Attribute types that live in a column of the model's own table. */
export type ScalarType =
  | 'string'
  | 'text'
  | 'richtext'
  | 'blocks'
  | 'email'
  | 'password'
  | 'uid'
  | 'integer'
  | 'biginteger'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'time'
  | 'datetime'
  | 'timestamp'
  | 'json'
  | 'enumeration';

/** Strapi's relation kinds, in the order messages list them. */
export const RELATION_KINDS = [
  'oneToOne',
  'oneToMany',
  'manyToOne',
  'manyToMany',
  'morphToOne',
  'morphToMany',
  'morphOne',
  'morphMany',
] as const;

export type RelationKind = (typeof RELATION_KINDS)[number];

interface AttributeBase {
  readonly name: string;
  readonly required: boolean;
  readonly private: boolean;
  /** False for attributes the API must not accept in bodies (system fields, `writable: false`). */
  readonly writable: boolean;
  /** The attribute exactly as the schema file declared it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ScalarAttribute extends AttributeBase {
  readonly kind: 'scalar';
  readonly type: ScalarType;
  readonly column: string;
  readonly storage: Storage;
  /** System fields (id, documentId, timestamps) are scalars the schema file does not declare. */
  readonly system: boolean;
  readonly unique: boolean;
  readonly searchable: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly regex?: RegExp;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly targetField?: string;
}

export interface RelationAttribute extends AttributeBase {
  readonly kind: 'relation';
  readonly relation: RelationKind;
  readonly target?: string;
  readonly inversedBy?: string;
  readonly mappedBy?: string;
}

export interface ComponentAttribute extends AttributeBase {
  readonly kind: 'component';
  readonly component: string;
  readonly repeatable: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface DynamicZoneAttribute extends AttributeBase {
  readonly kind: 'dynamiczone';
  readonly components: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export interface MediaAttribute extends AttributeBase {
  readonly kind: 'media';
  readonly multiple: boolean;
  readonly allowedTypes?: readonly string[];
}

export type Attribute =
  ScalarAttribute | RelationAttribute | ComponentAttribute | DynamicZoneAttribute | MediaAttribute;

/** Where a type's definition comes from: a file in the app directory, or the database registry. */
export type SchemaOwner = { readonly owner: 'file'; readonly path: string } | { readonly owner: 'database' };

/** The Strapi-format definition (schema.json or component JSON), as stored in the registry. */
export type SchemaDefinition = Readonly<Record<string, unknown>>;

interface ModelBase {
  readonly uid: string;
  readonly tableName: string;
  /** Declared attributes in declaration order. */
  readonly attributes: ReadonlyMap<string, Attribute>;
  /** Every scalar a query may name: system fields first, then declared scalars. */
  readonly fields: ReadonlyMap<string, ScalarAttribute>;
  readonly definition: SchemaDefinition;
  readonly source: SchemaOwner;
}

export interface ContentType extends ModelBase {
  readonly modelType: 'contentType';
  readonly kind: 'collectionType' | 'singleType';
  readonly singularName: string;
  readonly pluralName: string;
  readonly displayName: string;
  readonly draftAndPublish: boolean;
  /**
   * `pluginOptions.i18n.localized`: the type keeps one version of each document per locale (rows carry
   * their locale in the `locale` column; `fields` then has `locale` after `publishedAt`).
   */
  readonly localized: boolean;
  /**
   * Of a localized type, the attributes every locale of a document shares (writing one locale writes all):
   * by Strapi's rule (i18n services/content-types.js isLocalizedAttribute), every attribute that is not
   * marked `pluginOptions.i18n.localized: true`, except relations and uids, which are always per locale.
   * Empty for types that are not localized.
   */
  readonly shared: readonly Attribute[];
  /**
   * Of a localized type: Strapi's virtual `localizations` relation (the document's other locales, in the
   * same status), which queries may populate and filter on. Not among `attributes`: nothing stores it.
   */
  readonly localizations?: RelationAttribute;
}

export interface Component extends ModelBase {
  readonly modelType: 'component';
  readonly category: string;
  readonly displayName: string;
}

export type Model = ContentType | Component;

/**
 * The scalars a response carries by default: everything except private and password attributes. Here,
 * below the query language, because rows store their default document rendered (stored-rendering.ts).
 */
export function defaultFields(model: Model): ScalarAttribute[] {
  return [...model.fields.values()].filter((f) => !f.private && f.type !== 'password');
}

/** Whether an attribute of a localized type is shared by every locale (see ContentType.shared). */
export function isSharedAttribute(attribute: Attribute): boolean {
  if (attribute.kind === 'relation') return false;
  if (attribute.kind === 'scalar' && attribute.type === 'uid') return false;
  const i18n = (attribute.raw.pluginOptions as { i18n?: { localized?: unknown } } | undefined)?.i18n;
  return i18n?.localized !== true;
}

/** `pluginOptions.i18n.localized === true` on a content type's definition. */
export function isLocalizedDefinition(definition: SchemaDefinition): boolean {
  const options = definition.pluginOptions as { i18n?: { localized?: unknown } } | undefined;
  return options?.i18n?.localized === true;
}

/** The name of the virtual relation to a document's other locales (see ContentType.localizations). */
export const LOCALIZATIONS = 'localizations';

/** An attribute a query may name: a declared one, or a localized type's `localizations`. */
export function queryAttribute(model: Model, name: string): Attribute | undefined {
  const declared = model.attributes.get(name);
  if (declared || name !== LOCALIZATIONS || model.modelType !== 'contentType') return declared;
  return model.localizations;
}

/**
 * Names Strapi gives every content type (`locale`, `localizations`) that a type which is not localized
 * keeps private: a query naming them is refused as naming a private attribute (with its path), not an
 * unknown one (recorded: authors-fields-locale.json).
 */
export function isPrivateI18nName(model: Model, name: string): boolean {
  return (
    model.modelType === 'contentType' && !model.localized && (name === 'locale' || name === LOCALIZATIONS)
  );
}
