import * as ddl from '../../db/ddl.js';
import type { SqlDialect } from '../../db/dialect.js';
import type { Executor } from '../../db/types.js';
import type { ContentType, Model } from './model.js';
import type { Schema } from './registry.js';
import { plannedTables, type PlannedTable } from './tables.js';
import { enableDraftAndPublish, disableDraftAndPublish } from './data-migrations.js';

/** One step of a schema change. Destructive steps can lose data and run only when explicitly allowed. */
export interface SchemaStep {
  readonly description: string;
  readonly destructive: boolean;
  /** Creates a table that references another one (ordering hint). */
  readonly dependent?: boolean;
  apply(trx: Executor, dialect: SqlDialect): Promise<void>;
}

/**
 * The steps that turn the database laid out for `from` into one laid out for `to`. Steps are ordered:
 * renames, then drops of indexes and columns, then additions, then data migrations, then table drops.
 */
export function diffSchemas(from: Schema | undefined, to: Schema): SchemaStep[] {
  const before = new Map((from ? plannedTables(from) : []).map((t) => [t.key, t]));
  const after = new Map(plannedTables(to).map((t) => [t.key, t]));
  const label = (uid: string) => describeModel(to.model(uid) ?? from?.model(uid));
  const renames: SchemaStep[] = [];
  const removals: SchemaStep[] = [];
  const additions: SchemaStep[] = [];
  const dataSteps: SchemaStep[] = [];
  const tableDrops: SchemaStep[] = [];

  for (const [key, next] of after) {
    const previous = before.get(key);
    if (!previous) {
      additions.push({
        description: `create table ${next.name} for ${label(next.uid)}`,
        destructive: false,
        dependent: next.dependent,
        apply: (trx, dialect) => ddl.createTable(trx, dialect, next),
      });
      continue;
    }
    if (previous.name !== next.name) {
      renames.push({
        description: `rename table ${previous.name} to ${next.name} (${label(next.uid)})`,
        destructive: false,
        async apply(trx) {
          for (const index of previous.indexes) await ddl.dropIndex(trx, index.name);
          await ddl.renameTable(trx, previous.name, next.name);
        },
      });
      // Index names derive from the table name: recreate all of them under the new name.
      diffTable({ ...previous, name: next.name, indexes: [] }, next, label(next.uid), removals, additions);
    } else {
      diffTable(previous, next, label(next.uid), removals, additions);
    }
  }
  // Link tables reference the tables they link: drop them first.
  const dropOrder = [...before].sort(([, a], [, b]) => Number(b.dependent) - Number(a.dependent));
  for (const [key, previous] of dropOrder) {
    if (after.has(key)) continue;
    const relation = previous.dependent ? previous.columnAttributes.get('target_document_id') : undefined;
    tableDrops.push({
      description: relation
        ? `drop table ${previous.name}: relation "${relation}" of ${label(previous.uid)} was removed or retargeted (its links would be deleted)`
        : `drop table ${previous.name}: ${label(previous.uid)} is no longer defined (its data would be deleted)`,
      destructive: true,
      apply: (trx) => ddl.dropTable(trx, previous.name),
    });
  }
  if (from) dataSteps.push(...draftAndPublishSteps(from, to));
  // New tables that reference others are created after them.
  additions.sort((a, b) => Number(a.dependent ?? false) - Number(b.dependent ?? false));
  return [...renames, ...removals, ...additions, ...dataSteps, ...tableDrops];
}

function diffTable(
  previous: PlannedTable,
  next: PlannedTable,
  label: string,
  removals: SchemaStep[],
  additions: SchemaStep[],
): void {
  const table = next.name;
  const oldColumns = new Map(previous.columns.map((c) => [c.name, c]));
  const newColumns = new Map(next.columns.map((c) => [c.name, c]));
  const newIndexes = new Map(next.indexes.map((i) => [i.name, i]));
  const oldIndexes = new Map(previous.indexes.map((i) => [i.name, i]));
  const retyped = new Set<string>();

  for (const [name, column] of newColumns) {
    const old = oldColumns.get(name);
    if (old && old.storage !== column.storage) retyped.add(name);
  }
  // Drop indexes that disappear or that cover a column about to be dropped or retyped.
  for (const [name, index] of oldIndexes) {
    const touched = index.columns.some((c) => !newColumns.has(c) || retyped.has(c));
    if (!newIndexes.has(name) || touched || !sameIndex(index, newIndexes.get(name)!)) {
      removals.push({
        description: `drop index ${name}`,
        destructive: false,
        apply: (trx) => ddl.dropIndex(trx, name),
      });
    }
  }
  for (const [name, column] of oldColumns) {
    const attribute = previous.columnAttributes.get(name) ?? name;
    if (!newColumns.has(name)) {
      removals.push({
        description: `drop column ${table}.${name}: attribute "${attribute}" of ${label} was removed (its values would be deleted)`,
        destructive: true,
        apply: (trx) => ddl.dropColumn(trx, table, name),
      });
    } else if (retyped.has(name)) {
      const next = newColumns.get(name)!;
      removals.push({
        description: `retype column ${table}.${name}: attribute "${attribute}" of ${label} changes storage from ${column.storage} to ${next.storage} (its values would be deleted)`,
        destructive: true,
        async apply(trx, dialect) {
          await ddl.dropColumn(trx, table, name);
          await ddl.addColumn(trx, dialect, table, next);
        },
      });
    }
  }
  for (const [name, column] of newColumns) {
    if (oldColumns.has(name)) continue;
    additions.push({
      description: `add column ${table}.${name} (attribute "${next.columnAttributes.get(name) ?? name}" of ${label})`,
      destructive: false,
      apply: (trx, dialect) => ddl.addColumn(trx, dialect, table, column),
    });
  }
  for (const [name, index] of newIndexes) {
    const old = oldIndexes.get(name);
    const kept =
      old && sameIndex(old, index) && !index.columns.some((c) => retyped.has(c) || !oldColumns.has(c));
    if (kept) continue;
    additions.push({
      description: `create ${index.unique ? 'unique ' : ''}index ${name} on ${table} (${index.columns.join(', ')})`,
      destructive: false,
      apply: (trx) => ddl.createIndex(trx, table, index),
    });
  }
}

function sameIndex(a: ddl.IndexSpec, b: ddl.IndexSpec): boolean {
  return (
    a.columns.join(',') === b.columns.join(',') &&
    Boolean(a.unique) === Boolean(b.unique) &&
    a.where?.column === b.where?.column &&
    a.where?.isNull === b.where?.isNull
  );
}

function draftAndPublishSteps(from: Schema, to: Schema): SchemaStep[] {
  const steps: SchemaStep[] = [];
  for (const next of to.contentTypes.values()) {
    const previous = from.contentTypes.get(next.uid);
    if (!previous || previous.draftAndPublish === next.draftAndPublish) continue;
    steps.push(
      next.draftAndPublish
        ? {
            description: `enable draft & publish on ${describeModel(next)}: every document gets a draft copy`,
            destructive: false,
            apply: (trx) => enableDraftAndPublish(trx, next),
          }
        : {
            description: `disable draft & publish on ${describeModel(next)}: unpublished changes in drafts would be deleted`,
            destructive: true,
            apply: (trx) => disableDraftAndPublish(trx, next as ContentType),
          },
    );
  }
  return steps;
}

function describeModel(model: Model | undefined): string {
  if (!model) return 'an unknown model';
  return model.source.owner === 'file'
    ? `${model.uid} (${model.source.path})`
    : `${model.uid} (runtime type)`;
}
