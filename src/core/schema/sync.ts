import type { Database, Executor } from '../../db/types.js';
import { lockSchema } from '../../db/lock.js';
import { applySystemMigrations } from '../../db/system/apply.js';
import { buildSchema, type StoredDefinition } from './build.js';
import { diffSchemas, type SchemaStep } from './diff.js';
import { SchemaError } from './errors.js';
import type { SchemaFile } from './load-files.js';
import type { Schema } from './registry.js';
import {
  readSchemaVersion,
  readStoredDefinitions,
  readStoredTables,
  writeStoredDefinitions,
  writeStoredTables,
} from './store.js';
import { plannedTables } from './tables.js';
import { stableStringify } from './stable-json.js';
import { installStoredRendering } from './stored-rendering.js';

export class SchemaChangeRefusedError extends SchemaError {
  constructor(readonly steps: readonly SchemaStep[]) {
    super(
      'Refusing destructive schema changes; review them and run `quorum schema apply --allow-destructive` to apply:\n' +
        steps.map((step) => `  - ${step.description}`).join('\n'),
    );
  }
}

export interface SyncOptions {
  allowDestructive?: boolean;
  /** Compute the plan, change nothing. */
  dryRun?: boolean;
  /**
   * Runs under the lock after Quorum's own tables are up to date and before the content tables change:
   * what the content steps read must be there first (the configured locales: a type that becomes
   * localized puts its documents in the default locale).
   */
  beforeContent?: (trx: Executor) => Promise<void>;
}

export interface SyncResult {
  readonly schema: Schema;
  readonly steps: readonly SchemaStep[];
  /** True when the registry or the tables changed. */
  readonly changed: boolean;
  readonly systemMigrations: readonly string[];
}

/**
 * Brings the database in line with the app directory's schema files, under the schema lock: Quorum's
 * own tables first, then the content tables. Types owned by the database registry (created at runtime)
 * stay as they are unless a file now defines them. Destructive steps are refused unless allowed.
 * Two processes starting together serialize on the lock; the second finds nothing left to do.
 */
export async function syncSchema(
  database: Database,
  files: readonly SchemaFile[],
  options: SyncOptions = {},
): Promise<SyncResult> {
  // Validate the files before taking the lock: a broken file should fail fast with its own message.
  const fromFiles: StoredDefinition[] = files.map((file) => ({
    uid: file.uid,
    modelType: file.modelType,
    definition: file.definition,
    source: { owner: 'file', path: file.path },
  }));
  buildSchema(fromFiles, 0);
  const named = new Set(fromFiles.map((d) => d.uid));
  return applySchema(
    database,
    (stored) => [...fromFiles, ...stored.filter((d) => d.source.owner === 'database' && !named.has(d.uid))],
    options,
  );
}

/**
 * The one way the registry and the tables change: under the schema lock, the desired definitions are
 * computed from the stored ones, validated, diffed against them, and the steps applied with the new
 * registry in one transaction (so a failure changes nothing). The version grows when the registry
 * changes. `afterApply` runs in the same transaction (e.g. to announce the change on the bus).
 */
export async function applySchema(
  database: Database,
  desiredFrom: (stored: readonly StoredDefinition[]) => StoredDefinition[],
  options: SyncOptions & { afterApply?: (trx: Executor, result: SyncResult) => Promise<void> } = {},
): Promise<SyncResult> {
  const run = async (): Promise<SyncResult> =>
    database.transaction(async (trx) => {
      await lockSchema(database.dialect, trx);
      const systemMigrations = await applySystemMigrations(trx, database.dialect);
      await options.beforeContent?.(trx);
      const stored = await readStoredDefinitions(trx, database.dialect);
      const version = await readSchemaVersion(trx);
      const previous = buildSchema(stored, version);

      const desired = desiredFrom(stored);
      desired.sort((a, b) => a.uid.localeCompare(b.uid));
      const registryChanged = fingerprint(stored) !== fingerprint(desired);
      const next = buildSchema(desired, registryChanged ? version + 1 : version);
      const storedTables = stored.length ? await readStoredTables(trx) : undefined;
      const allSteps = diffSchemas(stored.length ? previous : undefined, next, storedTables);
      const steps = allSteps.filter((step) => !step.hidden);

      const destructive = steps.filter((step) => step.destructive);
      if (destructive.length && !options.allowDestructive) throw new SchemaChangeRefusedError(destructive);
      const result = { schema: next, steps, changed: registryChanged || steps.length > 0, systemMigrations };
      if (options.dryRun) throw new DryRun(result);

      // Rendering triggers name columns a step may drop or retype: they come back once the tables are done.
      const kept = await database.dialect.json?.stored?.dropTriggers(trx);
      for (const step of allSteps) await step.apply(trx, database.dialect);
      await installStoredRendering(trx, database.dialect, next, kept);
      if (registryChanged) await writeStoredDefinitions(trx, database.dialect, desired, next.version);
      await writeStoredTables(trx, plannedTables(next));
      if (options.afterApply && result.changed) await options.afterApply(trx, result);
      return result;
    });

  try {
    return await run();
  } catch (err) {
    // A dry run ends by rolling its transaction back; the result travels in the exception.
    if (err instanceof DryRun) return err.result;
    throw err;
  }
}

class DryRun extends Error {
  constructor(readonly result: SyncResult) {
    super('dry run');
  }
}

function fingerprint(definitions: readonly StoredDefinition[]): string {
  return stableStringify(
    [...definitions]
      .sort((a, b) => a.uid.localeCompare(b.uid))
      .map((d) => [d.uid, d.modelType, d.source, d.definition]),
  );
}
