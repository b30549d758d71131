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
