import type { StoredDefinition } from '../../core/schema/build.js';
import type { Schema } from '../../core/schema/registry.js';
import type { SchemaLine } from '../format.js';

/**
 * Strapi's own types, which Quorum replaces with its own (admin accounts, tokens, sessions, i18n locales,
 * media folders, releases, review workflows): their schemas and rows are not imported, and not reported
 * as missing from the app either.
 */
export function isStrapiInternal(uid: string): boolean {
  return (
    uid.startsWith('admin::') ||
    uid.startsWith('plugin::i18n.') ||
    uid.startsWith('plugin::content-releases.') ||
    uid.startsWith('plugin::review-workflows.') ||
    uid === 'plugin::upload.folder'
  );
}

/** Attributes Strapi adds to every content type (schema lines carry them; schema.json files do not). */
const ADDED_ATTRIBUTES = new Set([
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

export interface SchemaReport {
  /** Types and components of the archive that the app defines (their rows are imported). */
  known: string[];
  /** Types and components of the archive that the app does not define (their rows are skipped). */
  missing: string[];
  /** Strapi-internal types (see isStrapiInternal). */
  internal: string[];
}

export function compareSchemas(lines: readonly SchemaLine[], schema: Schema): SchemaReport {
  const report: SchemaReport = { known: [], missing: [], internal: [] };
  for (const line of lines) {
    const defined = schema.contentTypes.has(line.uid) || schema.components.has(line.uid);
    if (defined) report.known.push(line.uid);
    else if (isStrapiInternal(line.uid)) report.internal.push(line.uid);
    else report.missing.push(line.uid);
  }
  return report;
}

/**
 * The schema.json a schema line came from, as a database-owned definition (what the content-type builder
 * stores for types created at runtime): the file's keys only, without the attributes Strapi adds.
 */
export function definitionFromLine(line: SchemaLine): StoredDefinition {
  const attributes = Object.fromEntries(
    Object.entries(line.attributes ?? {}).filter(([name]) => !ADDED_ATTRIBUTES.has(name)),
  );
  const definition: Record<string, unknown> =
    line.modelType === 'component'
      ? { collectionName: line.collectionName, info: line.info, options: line.options ?? {}, attributes }
      : {
          kind: line.kind ?? 'collectionType',
          collectionName: line.collectionName,
          info: line.info,
          options: line.options ?? {},
          pluginOptions: line.pluginOptions ?? {},
          attributes,
        };
  return { uid: line.uid, modelType: line.modelType, definition, source: { owner: 'database' } };
}
