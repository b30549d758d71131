import type { Database, Executor } from '../../db/types.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { buildSchema, type StoredDefinition } from './build.js';
import { SchemaError } from './errors.js';
import type { SchemaDefinition } from './model.js';
import { checkSchemaDefinition, throwIfInvalid } from './validate-files.js';
import { applySchema, SchemaChangeRefusedError, type SyncResult } from './sync.js';

/**
 * A content-type builder operation: create or replace a runtime-owned definition, or delete one. Both
 * name the kind they act on, so a component route never changes a content type (nor the reverse).
 */
export type RuntimeChange =
  | {
      readonly kind: 'put';
      readonly modelType: ModelType;
      readonly uid: string;
      readonly definition: SchemaDefinition;
    }
  | { readonly kind: 'delete'; readonly modelType: ModelType; readonly uid: string };

type ModelType = 'contentType' | 'component';

const CONTENT_TYPE_UID = /^api::[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;
const COMPONENT_UID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;

/**
 * Changes the schema at runtime (the server side of a content-type builder). Only types owned by the
 * database registry may change this way: a type defined by a file in the app directory is changed in
 * its file (409 otherwise). The change is validated, applied under the schema lock with a new schema
 * version, and `afterApply` (the cluster announcement) runs in the same transaction. Destructive steps
 * need `allowDestructive`; without it the answer is a 409 listing them, so a UI can ask for confirmation.
 */
export async function changeSchemaAtRuntime(
  database: Database,
  change: RuntimeChange,
  options: {
    allowDestructive?: boolean;
    dryRun?: boolean;
    afterApply?: (trx: Executor, result: SyncResult) => Promise<void>;
  } = {},
): Promise<SyncResult> {
  if (change.kind === 'put') checkModelUid(change.modelType, change.uid);
  try {
    return await applySchema(database, (stored) => desiredAfter(stored, change), options);
  } catch (err) {
    if (err instanceof SchemaChangeRefusedError) {
      throw new ConflictError(
        'This change deletes data: confirm it to apply it',
        { steps: err.steps.map((step) => step.description) },
        'QUORUM_DESTRUCTIVE_CHANGE',
      );
    }
    if (err instanceof SchemaError)
      throw new ValidationError(err.message, undefined, 'QUORUM_INVALID_SCHEMA');
    throw err;
  }
}

/** A 400 unless `uid` has the form of a uid of `modelType` (also for the routes, before they look it up). */
export function checkModelUid(modelType: ModelType, uid: string): void {
  const pattern = modelType === 'contentType' ? CONTENT_TYPE_UID : COMPONENT_UID;
  if (!pattern.test(uid)) {
    throw new ValidationError(
      modelType === 'contentType'
        ? 'A content type uid looks like api::<api>.<name> (lowercase, digits, -)'
        : 'A component uid looks like <category>.<name> (lowercase, digits, -)',
      undefined,
      'QUORUM_INVALID_SCHEMA',
    );
  }
}

function desiredAfter(stored: readonly StoredDefinition[], change: RuntimeChange): StoredDefinition[] {
  const existing = stored.find((d) => d.uid === change.uid);
  // A delete of the other kind names nothing of its kind (Strapi's builder: 404 for an unknown uid);
  // checked before ownership, so the answer never depends on what the other kind holds.
  if (change.kind === 'delete' && existing && existing.modelType !== change.modelType)
    throw new NotFoundError(`No runtime ${modelLabel(change.modelType)} ${change.uid}`);
  if (existing && existing.source.owner === 'file') {
    throw new ConflictError(
      `${change.uid} is defined by ${existing.source.path} in the app directory: change that file instead`,
    );
  }
  if (change.kind === 'delete') {
    if (!existing) throw new NotFoundError(`No runtime ${modelLabel(change.modelType)} ${change.uid}`);
    return stored.filter((d) => d.uid !== change.uid);
  }
  if (existing && existing.modelType !== change.modelType)
    throw new ValidationError(
      `${change.uid} exists as a ${modelLabel(existing.modelType)}`,
      undefined,
      'QUORUM_INVALID_SCHEMA',
    );
  const next: StoredDefinition = {
    uid: change.uid,
    modelType: change.modelType,
    definition: change.definition,
    source: { owner: 'database' },
  };
  // Held to the rules of schema files, so that a type exported to files (`quorum schema export`) loads.
  throwIfInvalid([checkSchemaDefinition(`runtime type ${change.uid}`, change.modelType, change.definition)]);
  const desired = [...stored.filter((d) => d.uid !== change.uid), next];
  // Validate the whole schema (names, references, relation pairs) before anything is applied.
  buildSchema(desired, 0);
  return desired;
}

export function modelLabel(modelType: ModelType): string {
  return modelType === 'contentType' ? 'content type' : 'component';
}
