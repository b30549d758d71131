import type { Database, Executor } from '../../db/types.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { buildSchema, type StoredDefinition } from './build.js';
import { SchemaError } from './errors.js';
import type { SchemaDefinition } from './model.js';
import { applySchema, SchemaChangeRefusedError, type SyncResult } from './sync.js';

/** A content-type builder operation: create or replace a runtime-owned definition, or delete one. */
export type RuntimeChange =
  | {
      readonly kind: 'put';
      readonly modelType: 'contentType' | 'component';
      readonly uid: string;
      readonly definition: SchemaDefinition;
    }
  | { readonly kind: 'delete'; readonly uid: string };

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
  if (change.kind === 'put') checkUid(change.modelType, change.uid);
  try {
    return await applySchema(database, (stored) => desiredAfter(stored, change), options);
  } catch (err) {
    if (err instanceof SchemaChangeRefusedError) {
      throw new ConflictError('This change deletes data: confirm it to apply it', {
        steps: err.steps.map((step) => step.description),
      });
    }
    if (err instanceof SchemaError) throw new ValidationError(err.message);
    throw err;
  }
}

function checkUid(modelType: 'contentType' | 'component', uid: string): void {
  const pattern = modelType === 'contentType' ? CONTENT_TYPE_UID : COMPONENT_UID;
  if (!pattern.test(uid)) {
    throw new ValidationError(
      modelType === 'contentType'
        ? 'A content type uid looks like api::<api>.<name> (lowercase, digits, -)'
        : 'A component uid looks like <category>.<name> (lowercase, digits, -)',
    );
  }
}

function desiredAfter(stored: readonly StoredDefinition[], change: RuntimeChange): StoredDefinition[] {
  const existing = stored.find((d) => d.uid === change.uid);
  if (existing && existing.source.owner === 'file') {
    throw new ConflictError(
      `${change.uid} is defined by ${existing.source.path} in the app directory: change that file instead`,
    );
  }
  if (change.kind === 'delete') {
    if (!existing) throw new NotFoundError(`No runtime type ${change.uid}`);
    return stored.filter((d) => d.uid !== change.uid);
  }
  if (existing && existing.modelType !== change.modelType)
    throw new ValidationError(`${change.uid} exists as a ${existing.modelType}`);
  const next: StoredDefinition = {
    uid: change.uid,
    modelType: change.modelType,
    definition: change.definition,
    source: { owner: 'database' },
  };
  const desired = [...stored.filter((d) => d.uid !== change.uid), next];
  // Validate the whole schema (names, references, relation pairs) before anything is applied.
  buildSchema(desired, 0);
  return desired;
}
