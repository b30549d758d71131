/**
 * Strapi v5's transfer format, as `strapi export` writes it and `strapi import` reads it (facts read from
 * @strapi/data-transfer: the file destination/source providers and the local Strapi source's streams).
 *
 * An archive is a tar (optionally gzipped, optionally encrypted after gzip) holding
 * `schemas/schemas_00001.jsonl`, `entities/entities_00001.jsonl`, `assets/uploads/<file>` each after its
 * `assets/metadata/<file>.json`, `links/links_00001.jsonl`, `configuration/configuration_00001.jsonl`
 * (Strapi writes the stages in the order of STAGES) and last `metadata.json` (written when the archive
 * closes, so a reader that needs it first reads the archive twice, as Strapi does). A JSONL file is cut into `_00002`, … once it
 * would pass Strapi's limit (256 MB by default), so readers take every file of a stage's folder, in name
 * order.
 */

/** The stages, in the order `strapi import` restores them (schemas are compared, not restored). */
export const STAGES = ['schemas', 'entities', 'assets', 'links', 'configuration'] as const;
export type Stage = (typeof STAGES)[number];

/** The JSONL stages: each is a folder of `<stage>/<stage>_NNNNN.jsonl` files. */
export const JSONL_STAGES = ['schemas', 'entities', 'links', 'configuration'] as const;
export type JsonlStage = (typeof JSONL_STAGES)[number];

export const METADATA_FILE = 'metadata.json';
export const ASSET_UPLOADS_DIR = 'assets/uploads';
export const ASSET_METADATA_DIR = 'assets/metadata';

/** Strapi starts a new JSONL file of a stage before one would exceed this many characters. */
export const DEFAULT_MAX_JSONL_SIZE = 2.56e8;

/** `schemas/schemas_00001.jsonl` for (schemas, 1): Strapi numbers files from 1, five digits. */
export function jsonlFileName(stage: JsonlStage, index: number): string {
  return `${stage}/${stage}_${String(index).padStart(5, '0')}.jsonl`;
}

/** The stage a tar entry belongs to, or undefined for anything else (Strapi ignores such entries too). */
export function stageOf(entryName: string): Stage | 'metadata' | undefined {
  const name = entryName.replace(/^\.\//, '');
  if (name === METADATA_FILE) return 'metadata';
  const parts = name.split('/');
  if (parts[0] === 'assets' && (parts[1] === 'uploads' || parts[1] === 'metadata') && parts.length === 3)
    return 'assets';
  if (
    parts.length === 2 &&
    (JSONL_STAGES as readonly string[]).includes(parts[0]) &&
    parts[1].endsWith('.jsonl')
  )
    return parts[0] as JsonlStage;
  return undefined;
}

/** `metadata.json`. */
export interface ArchiveMetadata {
  createdAt: string;
  strapi: {
    version: string;
    plugins?: { name: string; version: string }[];
  };
}

/** An attribute of a schema line: Strapi's attribute as its registry holds it (options kept as they are). */
export type SchemaAttribute = { type: string } & Record<string, unknown>;

/**
 * A line of `schemas/`: a content type or component of the exporting app, as Strapi's registry holds it
 * (the schema.json fields plus what Strapi derives: uid, modelType, globalId, modelName, and on content
 * types Strapi's own attributes such as createdAt, documentId, locale, localizations).
 */
export interface SchemaLine {
  uid: string;
  modelType: 'contentType' | 'component';
  kind?: 'collectionType' | 'singleType';
  collectionName: string;
  info: { singularName?: string; pluralName?: string; displayName: string; description?: string } & Record<
    string,
    unknown
  >;
  options?: Record<string, unknown>;
  pluginOptions?: Record<string, unknown>;
  attributes: Record<string, SchemaAttribute>;
  modelName?: string;
  globalId?: string;
  plugin?: string;
  category?: string;
  [key: string]: unknown;
}

/**
 * A line of `entities/`: one database row of a content type (each draft and published version is a row of
 * its own, sharing `documentId`), with its components and dynamic zones populated in `data` as nested rows
 * (component rows keep their own `id`; a dynamic zone entry also has `__component`). Relations are not in
 * `data`: they are `links/` lines that name this row by `id`.
 */
export interface EntityLine {
  type: string;
  id: number;
  data: Record<string, unknown> & {
    documentId?: string;
    locale?: string | null;
    publishedAt?: string | null;
    createdAt?: string;
    updatedAt?: string;
  };
}

/** What kind of relation a link line restores. */
export type LinkKind = 'relation.basic' | 'relation.circular' | 'relation.morph';

/**
 * A line of `links/`: one relation from an owning row (`left`: its type, row id, the attribute) to a target
 * row (`right`). Row ids are the exporting database's, as in entity lines; `pos` are the order columns
 * (`left.pos` the owner's order, `right.pos` the inverse side's). For morph relations (media's `related`)
 * `right.field` is the attribute of the target that holds the file and `right.pos` its order there.
 * Links from components (left.type a component uid) are exported the same way.
 */
export interface LinkLine {
  kind: LinkKind;
  relation: string;
  left: { type: string; ref: number; field: string; pos?: number | null };
  right: { type: string; ref: number; field?: string | null; pos?: number | null };
}

/** A line of `configuration/`: a core-store row (its `value` parsed from JSON) or a webhook row. */
export type ConfigurationLine =
  | { type: 'core-store'; value: { key: string; value: unknown } & Record<string, unknown> }
  | { type: 'webhook'; value: Record<string, unknown> };

/** A responsive format of an uploaded image (the upload plugin's `formats` entries). */
export interface AssetFormat {
  name?: string;
  hash: string;
  ext: string;
  mime: string;
  path?: string | null;
  width?: number | null;
  height?: number | null;
  size: number;
  sizeInBytes?: number;
  url: string;
}

/**
 * `assets/metadata/<file>.json`: the upload plugin's file row of the bytes stored next to it in
 * `assets/uploads/<file>`. A format's bytes are an asset of their own (its file name is the format's
 * hash + ext); its metadata is the file row it belongs to, with `type` naming the format.
 */
export interface AssetMetadata {
  id: number;
  documentId?: string;
  name: string;
  alternativeText?: string | null;
  caption?: string | null;
  width?: number | null;
  height?: number | null;
  formats?: Record<string, AssetFormat> | null;
  hash: string;
  ext: string;
  mime: string;
  size: number;
  url: string;
  previewUrl?: string | null;
  provider?: string;
  provider_metadata?: unknown;
  folderPath?: string;
  createdAt?: string;
  updatedAt?: string;
  publishedAt?: string | null;
  locale?: string | null;
  /** Set on a format's metadata: which entry of `formats` these bytes are. */
  type?: string;
  mainHash?: string;
  [key: string]: unknown;
}
