import type { CoreContext } from '../core/context.js';
import { ValidationError, NotFoundError } from '../core/errors.js';
import { Invalid, parseDateTime } from '../core/values.js';

export type ScheduledActionKind = 'publish' | 'unpublish';

export interface ScheduledAction {
  readonly id: number;
  readonly uid: string;
  readonly documentId: string;
  readonly action: ScheduledActionKind;
  readonly dueAt: string;
  readonly status: 'pending' | 'done' | 'failed' | 'cancelled';
  readonly createdAt: string;
  readonly doneAt: string | null;
  readonly fencingToken: number | null;
  readonly node: string | null;
  readonly error: string | null;
}

const TABLE = 'quorum_scheduled_actions';

/** Schedules publishing or unpublishing a document at a time; the leader carries it out (see Scheduler). */
export async function scheduleAction(
  core: CoreContext,
  input: { uid: string; documentId: string; action: unknown; at: unknown },
): Promise<ScheduledAction> {
  const type = core.schema().contentTypes.get(input.uid);
  if (!type || input.uid.startsWith('plugin::')) throw new NotFoundError(`No content type ${input.uid}`);
  if (!type.draftAndPublish) throw new ValidationError(`${input.uid} does not use draft & publish`);
  if (input.action !== 'publish' && input.action !== 'unpublish')
    throw new ValidationError('action must be "publish" or "unpublish"');
  const at = parseDateTime(input.at);
  if (at instanceof Invalid) throw new ValidationError(`at must be ${at.expected}`);
  const exists = await core.database.db
    .selectFrom(type.tableName)
    .select('id')
    .where('document_id', '=', input.documentId)
    .executeTakeFirst();
  if (!exists) throw new NotFoundError('Document not found');
  const row = await core.database.db
    .insertInto(TABLE)
    .values({
      uid: input.uid,
      document_id: input.documentId,
      action: input.action,
      due_at: at,
      status: 'pending',
      created_at: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAction(row);
}

export async function listScheduledActions(
  core: CoreContext,
  filter: { uid?: string; documentId?: string; status?: string } = {},
): Promise<ScheduledAction[]> {
  let query = core.database.db.selectFrom(TABLE).selectAll().orderBy('due_at').orderBy('id').limit(1000);
  if (filter.uid) query = query.where('uid', '=', filter.uid);
  if (filter.documentId) query = query.where('document_id', '=', filter.documentId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return (await query.execute()).map(toAction);
}

/** Cancels a pending action; false when it was not pending (already done, failed or cancelled). */
export async function cancelScheduledAction(core: CoreContext, id: number): Promise<boolean> {
  const result = await core.database.db
    .updateTable(TABLE)
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function toAction(row: Record<string, unknown>): ScheduledAction {
  return {
    id: Number(row.id),
    uid: row.uid as string,
    documentId: row.document_id as string,
    action: row.action as ScheduledActionKind,
    dueAt: String(row.due_at),
    status: row.status as ScheduledAction['status'],
    createdAt: String(row.created_at),
    doneAt: row.done_at === null || row.done_at === undefined ? null : String(row.done_at),
    fencingToken: row.token === null || row.token === undefined ? null : Number(row.token),
    node: (row.node as string | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}
