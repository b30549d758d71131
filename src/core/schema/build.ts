import type { SchemaDefinition, SchemaOwner } from './model.js';
import { normalizeComponent, normalizeContentType } from './normalize.js';
import { Schema } from './registry.js';

/** A definition with its uid and owner: a registry row, or a file read from the app directory. */
export interface StoredDefinition {
  readonly uid: string;
  readonly modelType: 'contentType' | 'component';
  readonly definition: SchemaDefinition;
  readonly source: SchemaOwner;
}

export function buildSchema(definitions: readonly StoredDefinition[], version: number): Schema {
  const contentTypes = definitions
    .filter((d) => d.modelType === 'contentType')
    .map((d) => normalizeContentType(d.uid, d.definition, d.source));
  const components = definitions
    .filter((d) => d.modelType === 'component')
    .map((d) => normalizeComponent(d.uid, d.definition, d.source));
  return new Schema(version, contentTypes, components);
}
