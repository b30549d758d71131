import type { ContentType, Component, Model } from '../../core/schema/model.js';
import type { Schema } from '../../core/schema/registry.js';
import { USER_UID } from '../../auth/users-permissions/schemas.js';
import type { SchemaAttribute, SchemaLine } from '../format.js';
import { exportedTypes } from './entities.js';

/**
 * The schemas stage: every content type, then every component, as Strapi's registry holds them after it
 * loaded the schema files (Strapi writes them so, keeping the keys of `utils/schema.ts`'s list in that
 * order): the file's own keys and attributes, then what Strapi derives: the attributes it adds to every
 * content type (timestamps, publishedAt, createdBy/updatedBy, locale and the virtual localizations),
 * kind, modelType, modelName, uid, plugin and globalId. `strapi import` compares these with its own
 * types, so an app's types read as its own; Quorum's definitions of Strapi's plugin types (files, users)
 * differ from Strapi's in a few options, and Strapi's other built-in types are not here: Strapi reports
 * those differences and `strapi import --force` goes on.
 */
export async function* schemaLines(schema: Schema): AsyncGenerator<SchemaLine> {
  for (const type of exportedTypes(schema)) yield contentTypeLine(type);
  for (const component of schema.components.values()) yield componentLine(component);
}

function own(model: Model, key: string): Record<string, unknown> | undefined {
  const value = model.definition[key];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function declaredAttributes(model: Model): Record<string, SchemaAttribute> {
  return { ...(own(model, 'attributes') as Record<string, SchemaAttribute> | undefined) };
}

function contentTypeLine(type: ContentType): SchemaLine {
  const [namespace, rest] = type.uid.split('::');
  const plugin = namespace === 'plugin' ? rest.split('.')[0] : undefined;
  const line: SchemaLine = {
    collectionName: type.tableName,
    info: (own(type, 'info') ?? {}) as SchemaLine['info'],
    options: own(type, 'options') ?? {},
    ...(pluginOptions(type) && { pluginOptions: pluginOptions(type) }),
    attributes: { ...declaredAttributes(type), ...strapiAttributes(type) },
    kind: type.kind,
    modelType: 'contentType',
    modelName: type.singularName,
    uid: type.uid,
    ...(plugin !== undefined && { plugin }),
    globalId: pascal(plugin ? `${plugin}-${type.singularName}` : type.singularName),
  };
  return line;
}

/**
 * Strapi hides its plugins' types from its content manager and type builder, all but users (whose
 * schema has no pluginOptions); Quorum's definitions of them do not say so, Strapi's registry does.
 */
function pluginOptions(type: ContentType): Record<string, unknown> | undefined {
  const declared = own(type, 'pluginOptions');
  if (declared || !type.uid.startsWith('plugin::') || type.uid === USER_UID) return declared;
  return { 'content-manager': { visible: false }, 'content-type-builder': { visible: false } };
}

function componentLine(component: Component): SchemaLine {
  const name = component.uid.slice(component.uid.indexOf('.') + 1);
  return {
    collectionName: component.tableName,
    info: (own(component, 'info') ?? { displayName: component.displayName }) as SchemaLine['info'],
    options: own(component, 'options') ?? {},
    attributes: declaredAttributes(component),
    modelType: 'component',
    modelName: name,
    uid: component.uid,
    globalId: pascal(`component-${component.uid}`),
  };
}

/** The attributes Strapi 5 adds to every content type, as its registry shows them. */
function strapiAttributes(type: ContentType): Record<string, SchemaAttribute> {
  const creator = {
    type: 'relation',
    relation: 'oneToOne',
    target: 'admin::user',
    configurable: false,
    writable: false,
    visible: false,
    useJoinTable: false,
    private: true,
  };
  return {
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    publishedAt: { type: 'datetime', configurable: false, writable: true, visible: true },
    createdBy: creator,
    updatedBy: creator,
    locale: { writable: true, private: true, configurable: false, visible: false, type: 'string' },
    localizations: {
      type: 'relation',
      relation: 'oneToMany',
      target: type.uid,
      writable: false,
      private: true,
      configurable: false,
      visible: false,
      unstable_virtual: true,
      joinColumn: { name: 'document_id', referencedColumn: 'document_id', referencedTable: type.tableName },
    },
  };
}

/** Strapi's globalId: `upperFirst(camelCase(name))` ("users-permissions-user" → "UsersPermissionsUser"). */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}
