import * as ddl from '../../db/ddl.js';
import { onUniqueViolation } from '../../db/errors.js';
import { SchemaError } from './errors.js';
import { identifier } from './naming.js';
import type { SqlDialect } from '../../db/dialect.js';
import type { Executor } from '../../db/types.js';
import type { ContentType, Model } from './model.js';
import type { Schema } from './registry.js';
import { plannedTables, type PlannedTable } from './tables.js';
import {
  enableDraftAndPublish,
  disableDraftAndPublish,
  enableLocalization,
  disableLocalization,
} from './data-migrations.js';

/** One step of a schema change. Destructive steps can lose data and run only when explicitly allowed. */
export interface SchemaStep {
  readonly description: string;
  readonly destructive: boolean;
  /** An implementation detail of another step: not listed in plans. */
  readonly hidden?: boolean;
  /** Creates a table that references another one (ordering hint). */
  readonly dependent?: boolean;
  apply(trx: Executor, dialect: SqlDialect): Promise<void>;
}

/**
 * The steps that turn the database laid out for `from` into one laid out for `to`. Steps are ordered:
 * renames, then drops of indexes and columns, then additions, then data migrations, then table drops.
 */
export function diffSchemas(
  from: Schema | undefined,
  to: Schema,
  /**
   * The tables as they were last laid out (stored with the registry). They can differ from what the
   * current code derives from `from` when a Quorum upgrade changes the layout (a new system column, a
   * new index): the diff then adds what is missing, with no hand-written migration.
   */
  fromTables: readonly PlannedTable[] = from ? plannedTables(from) : [],
): SchemaStep[] {
  const before = new Map(fromTables.map((t) => [t.key, t]));
  const after = new Map(plannedTables(to).map((t) => [t.key, t]));
  const label = (uid: string) => describeModel(to.model(uid) ?? from?.model(uid));
  const renames: SchemaStep[] = [];
  const removals: SchemaStep[] = [];
  const additions: SchemaStep[] = [];
  const dataSteps: SchemaStep[] = [];
  const tableDrops: SchemaStep[] = [];
  const renameFinals: SchemaStep[] = [];

  // A table whose model changed uid but kept its collectionName is the same table: adopt it (its data
  // stays) instead of creating a new one over it and dropping the old.
  const adopted = new Map<string, PlannedTable>();
  const orphansByName = new Map(
    [...before.values()].filter((t) => !after.has(t.key)).map((t) => [t.name, t]),
  );
  for (const [key, next] of after) {
    const orphan = before.has(key) ? undefined : orphansByName.get(next.name);
    if (orphan) {
      adopted.set(key, orphan);
      orphansByName.delete(next.name);
      if (orphan.uid !== next.uid && !next.dependent) dataSteps.push(reparentStep(to, orphan.uid, next.uid));
    }
  }
  const consumed = new Set([...adopted.values()].map((t) => t.key));

  for (const [key, next] of after) {
    const previous = before.get(key) ?? adopted.get(key);
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
      // Two phases (old → temporary, then temporary → new) so that tables may swap names.
      const temporary = identifier(previous.name, 'qtmp');
      renames.push({
        description: `rename table ${previous.name} to ${next.name} (${label(next.uid)})`,
        destructive: false,
        async apply(trx) {
          for (const index of previous.indexes) await ddl.dropIndex(trx, index.name);
          await ddl.renameTable(trx, previous.name, temporary);
        },
      });
      renameFinals.push({
        description: `(rename table ${previous.name} to ${next.name}, second phase)`,
        destructive: false,
        hidden: true,
        apply: (trx) => ddl.renameTable(trx, temporary, next.name),
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
    if (after.has(key) || consumed.has(key)) continue;
    const relation = previous.dependent ? previous.columnAttributes.get('target_document_id') : undefined;
    tableDrops.push({
      description: relation
        ? `drop table ${previous.name}: relation "${relation}" of ${label(previous.uid)} was removed or retargeted (its links would be deleted)`
        : `drop table ${previous.name}: ${label(previous.uid)} is no longer defined (its data would be deleted)`,
      destructive: true,
      apply: (trx) => ddl.dropTable(trx, previous.name),
    });
  }
  if (from) dataSteps.push(...draftAndPublishSteps(from, to), ...localizationSteps(from, to));
  // New tables that reference others are created after them.
  additions.sort((a, b) => Number(a.dependent ?? false) - Number(b.dependent ?? false));
  return [...renames, ...renameFinals, ...removals, ...additions, ...dataSteps, ...tableDrops];
}

/** Component rows name their parent model by uid: a model that changed uid takes its component rows along. */
function reparentStep(to: Schema, from: string, uid: string): SchemaStep {
  return {
    description: `move the components of ${from} to ${uid}`,
    destructive: false,
    async apply(trx) {
      for (const component of to.components.values()) {
        await trx
          .updateTable(component.tableName)
          .set({ parent_type: uid })
          .where('parent_type', '=', from)
          .execute();
      }
    },
  };
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
    // `id` is every table's implicit primary key: never dropped, never retyped.
    const touched = index.columns.some((c) => c !== 'id' && (!newColumns.has(c) || retyped.has(c)));
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
      old &&
      sameIndex(old, index) &&
      !index.columns.some((c) => c !== 'id' && (retyped.has(c) || !oldColumns.has(c)));
    if (kept) continue;
    const attribute = next.columnAttributes.get(index.columns[0]) ?? index.columns[0];
    additions.push({
      description: `create ${index.unique ? 'unique ' : ''}index ${name} on ${table} (${index.columns.join(', ')})`,
      destructive: false,
      async apply(trx, dialect) {
        // Only a unique index can fail this way: on rows that already share values.
        await onUniqueViolation(
          () => ddl.createIndex(trx, dialect, table, index),
          () =>
            new SchemaError(
              `${label}: attribute "${attribute}" cannot become unique: existing documents share values (make them distinct first)`,
            ),
        );
      },
    });
  }
}

function sameIndex(a: ddl.IndexSpec, b: ddl.IndexSpec): boolean {
  return (
    a.columns.join(',') === b.columns.join(',') &&
    Boolean(a.unique) === Boolean(b.unique) &&
    (a.nullsFirst ?? false) === (b.nullsFirst ?? false) &&
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
            apply: (trx) => enableDraftAndPublish(trx, to, next),
          }
        : {
            description: `disable draft & publish on ${describeModel(next)}: unpublished changes in drafts would be deleted`,
            destructive: true,
            apply: (trx) => disableDraftAndPublish(trx, to, next as ContentType),
          },
    );
  }
  return steps;
}

/**
 * Localization switched on or off for a type (types created localized need nothing: they have no rows).
 * Off is destructive: every locale but one of each document would be deleted.
 */
function localizationSteps(from: Schema, to: Schema): SchemaStep[] {
  const steps: SchemaStep[] = [];
  for (const next of to.contentTypes.values()) {
    const previous = from.contentTypes.get(next.uid);
    if (!previous || previous.localized === next.localized) continue;
    steps.push(
      next.localized
        ? {
            description: `localize ${describeModel(next)}: every document goes to the default locale`,
            destructive: false,
            apply: (trx) => enableLocalization(trx, next),
          }
        : {
            description: `stop localizing ${describeModel(next)}: each document keeps its default-locale version, its other locales would be deleted`,
            destructive: true,
            apply: (trx) => disableLocalization(trx, to, next),
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
