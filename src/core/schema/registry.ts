import { SchemaError } from './errors.js';
import type { Attribute, Component, ContentType, Model, RelationKind } from './model.js';

/**
 * An immutable snapshot of every content type and component, with the lookups requests need.
 * A schema change produces a new snapshot (with a higher version); requests in flight keep the
 * snapshot they started with.
 */
export class Schema {
  readonly contentTypes: ReadonlyMap<string, ContentType>;
  readonly components: ReadonlyMap<string, Component>;
  readonly #byRoute = new Map<string, { type: ContentType; plural: boolean }>();

  constructor(
    readonly version: number,
    contentTypes: Iterable<ContentType>,
    components: Iterable<Component>,
  ) {
    this.contentTypes = new Map([...contentTypes].map((type) => [type.uid, type]));
    this.components = new Map([...components].map((component) => [component.uid, component]));
    for (const type of this.contentTypes.values()) this.#indexRoutes(type);
    this.#checkReferences();
    this.#checkRelationPairs();
  }

  #indexRoutes(type: ContentType): void {
    // Plugin types (users, roles, files) have their own routes, never the generic content routes.
    if (type.uid.startsWith('plugin::') || type.uid.startsWith('admin::')) return;
    const names = type.kind === 'collectionType' ? [type.pluralName] : [type.singularName];
    // A collection type answers on its plural name; its singular name is reserved so a single type
    // cannot take it (Strapi refuses the same clash).
    const reserve = type.kind === 'collectionType' ? [type.pluralName, type.singularName] : names;
    for (const name of reserve) {
      const clash = this.#byRoute.get(name);
      if (clash) {
        throw new SchemaError(`${type.uid} and ${clash.type.uid} both use the API name "${name}"`);
      }
      this.#byRoute.set(name, { type, plural: name === type.pluralName && type.kind === 'collectionType' });
    }
    const tables = [...this.contentTypes.values(), ...this.components.values()].filter(
      (m) => m.tableName === type.tableName,
    );
    if (tables.length > 1) {
      throw new SchemaError(
        `${tables.map((m) => m.uid).join(' and ')} both use the collectionName "${type.tableName}"`,
      );
    }
  }

  #checkReferences(): void {
    for (const model of this.models()) {
      for (const attribute of model.attributes.values()) {
        const at = `${model.uid}: attribute "${attribute.name}"`;
        if (
          attribute.kind === 'relation' &&
          attribute.target &&
          !this.contentTypes.has(attribute.target) &&
          !isPluginTarget(attribute.target)
        ) {
          throw new SchemaError(`${at}: relation target ${attribute.target} does not exist`);
        }
        if (attribute.kind === 'component' && !this.components.has(attribute.component)) {
          throw new SchemaError(`${at}: component ${attribute.component} does not exist`);
        }
        if (attribute.kind === 'dynamiczone') {
          const missing = attribute.components.filter((uid) => !this.components.has(uid));
          if (missing.length) throw new SchemaError(`${at}: component ${missing.join(', ')} does not exist`);
        }
      }
    }
  }

  /** Two-way relations must agree with each other (inversedBy ↔ mappedBy, mirrored kinds). */
  #checkRelationPairs(): void {
    for (const model of this.models()) {
      for (const attribute of model.attributes.values()) {
        if (attribute.kind !== 'relation' || !attribute.target) continue;
        const target = this.contentTypes.get(attribute.target);
        if (!target) continue;
        const at = `${model.uid}: attribute "${attribute.name}"`;
        const otherName = attribute.inversedBy ?? attribute.mappedBy;
        if (!otherName) continue;
        if (model.modelType === 'component')
          throw new SchemaError(`${at}: relations in components cannot be two-way`);
        const other: Attribute | undefined = target.attributes.get(otherName);
        if (!other || other.kind !== 'relation' || other.target !== model.uid) {
          throw new SchemaError(`${at}: ${target.uid} has no relation "${otherName}" back to ${model.uid}`);
        }
        const expected = attribute.inversedBy ? other.mappedBy : other.inversedBy;
        if (expected !== attribute.name) {
          const key = attribute.inversedBy ? 'mappedBy' : 'inversedBy';
          throw new SchemaError(`${at}: ${target.uid}.${otherName} must declare ${key}: "${attribute.name}"`);
        }
        if (attribute.inversedBy && !(MIRROR[attribute.relation] ?? []).includes(other.relation)) {
          throw new SchemaError(
            `${at}: ${attribute.relation} is paired with ${other.relation} on ${target.uid}.${otherName}`,
          );
        }
      }
    }
  }

  /** The collection type answering on `/api/<name>` (plural) or the single type on `/api/<name>`. */
  byRouteName(name: string): ContentType | undefined {
    const entry = this.#byRoute.get(name);
    if (!entry) return undefined;
    return entry.type.kind === 'singleType' || entry.plural ? entry.type : undefined;
  }

  model(uid: string): Model | undefined {
    return this.contentTypes.get(uid) ?? this.components.get(uid);
  }

  *models(): Iterable<Model> {
    yield* this.contentTypes.values();
    yield* this.components.values();
  }
}

// Relations to plugin types (users, files) name targets Quorum provides itself; they load without a file.
function isPluginTarget(uid: string): boolean {
  return uid.startsWith('plugin::') || uid.startsWith('admin::');
}

// The relation kind a two-way relation's other side must have.
const MIRROR: Record<string, RelationKind[]> = {
  oneToOne: ['oneToOne'],
  oneToMany: ['manyToOne'],
  manyToOne: ['oneToMany'],
  manyToMany: ['manyToMany'],
};
