import { createHash } from 'node:crypto';
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../db/dialect.js';
import type { Executor } from '../../db/types.js';
import { defaultFields, type Model, type ScalarAttribute } from './model.js';
import type { Schema } from './registry.js';

/**
 * The rendered default document each content-type row keeps where the dialect stores one (SQLite:
 * `quorum_json`, kept by triggers, with `quorum_shape`, the hash of the field list it was rendered
 * from). It belongs to the table layout, so schema sync installs it after every change of the tables;
 * reads take the stored text when its shape is their own (query/render.ts).
 */

/** The fields of the row `alias` as JSON object entries; undefined when one has no exact JSON form. */
export function jsonEntries(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
): [string, Expression<unknown>][] | undefined {
  const json = dialect.json;
  if (!json) return undefined;
  const entries: [string, Expression<unknown>][] = [];
  for (const field of fields) {
    // Strapi answers `timestamp` attributes as epoch milliseconds in a string, computed in JS.
    if (field.type === 'timestamp') return undefined;
    const value = json.value(sql.ref(`${alias}.${field.column}`), field.storage);
    if (!value) return undefined;
    entries.push([field.name, value]);
  }
  return entries;
}

/** The fields of the row `alias` as one JSON object, when the dialect can write them all exactly. */
export function jsonObject(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
): RawBuilder<string> | undefined {
  const json = dialect.json;
  if (!json || fields.length > json.maxEntries) return undefined;
  const entries = jsonEntries(dialect, fields, alias);
  return entries && json.object(entries);
}

/** The object without its closing brace (the form rows store, so joined relations can be appended). */
export function openObject(
  dialect: SqlDialect,
  fields: readonly ScalarAttribute[],
  alias: string,
): Expression<string> {
  const object = jsonObject(dialect, fields, alias);
  if (!object) throw new Error('openObject: the fields cannot be rendered');
  // Only a JSON value can end in a brace of its own; before any other, the last brace is the object's
  // and rtrim evaluates the object once (content types end with publishedAt, so this is the usual case).
  return fields.at(-1)?.storage === 'json'
    ? sql<string>`substr(${object}, 1, length(${object}) - 1)`
    : sql<string>`rtrim(${object}, '}')`;
}

// Part of every shape: change it whenever the rendered text of the same fields changes.
const RENDER_FORMAT = 'quorum-render-1';

interface Shape {
  readonly key: string;
  readonly fields: readonly ScalarAttribute[];
}

/**
 * The shape rows of `model` store their default document in, when the dialect stores rendered documents
 * and `fields` are exactly those defaults (same fields, same order) and all renderable; else undefined.
 */
export function storedShape(
  dialect: SqlDialect,
  model: Model,
  fields: readonly ScalarAttribute[],
): string | undefined {
  if (!dialect.json?.stored || model.modelType !== 'contentType') return undefined;
  const shape = shapeOf(dialect, model);
  if (shape === undefined || shape.fields.length !== fields.length) return undefined;
  for (let i = 0; i < fields.length; i++) if (shape.fields[i] !== fields[i]) return undefined;
  return shape.key;
}

// Models are immutable (a schema change builds new ones), so a model's shape is computed once.
const shapes = new WeakMap<Model, Shape | null>();

function shapeOf(dialect: SqlDialect, model: Model): Shape | undefined {
  let shape = shapes.get(model);
  if (shape === undefined) {
    const fields = defaultFields(model);
    const description = fields.map((f) => [f.name, f.column, f.storage, f.type]);
    shape = jsonObject(dialect, fields, 'r')
      ? {
          key: createHash('sha1')
            .update(JSON.stringify([RENDER_FORMAT, description]))
            .digest('hex')
            .slice(0, 16),
          fields,
        }
      : null;
    shapes.set(model, shape);
  }
  return shape ?? undefined;
}

/**
 * Installs stored rendering for every content type of `schema` whose default fields render (see
 * StoredRendering); run after the schema's tables changed, in the same transaction. `kept`: the shapes the
 * dropped triggers were keeping, by table (see StoredRendering.dropTriggers).
 */
export async function installStoredRendering(
  trx: Executor,
  dialect: SqlDialect,
  schema: Schema,
  kept: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const stored = dialect.json?.stored;
  if (!stored) return;
  for (const model of schema.models()) {
    if (model.modelType !== 'contentType') continue;
    const shape = shapeOf(dialect, model);
    if (!shape) continue;
    await stored.install(trx, {
      table: model.tableName,
      shape: shape.key,
      keptShape: kept.get(model.tableName),
      columns: shape.fields.map((field) => field.column),
      render: (alias) => openObject(dialect, shape.fields, alias),
    });
  }
}
