import { versionRef } from './rows.js';
import { FULL_ACCESS, type AccessScope } from '../access.js';
import type { CoreContext } from '../context.js';
import { documentsWithinConditions, matchesConditions, resolveAccess, writeStatus } from './access-checks.js';
import { ValidationError, NotFoundError } from '../errors.js';
import { Invalid, parseDateTime } from '../values.js';

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
  /** The admin who scheduled it (null: scheduled in-process, or before this was recorded). */
  readonly createdBy: number | null;
}

const TABLE = 'quorum_scheduled_actions';

/**
 * Schedules publishing or unpublishing a document at a time; the leader carries it out (see Scheduler).
 * `access` is the caller's publish scope on the type: a document outside its conditions is answered
 * as one that does not exist, as publishDocument does (callers give their 403 first). `actor` is
 * recorded, so the leader can check the grant again when it carries the action out.
 */
export async function scheduleAction(
  core: CoreContext,
  input: { uid: string; documentId: string; action: unknown; at: unknown },
  options: { access?: AccessScope; actor?: { adminId: number } } = {},
): Promise<ScheduledAction> {
  const type = core.schema().contentTypes.get(input.uid);
  if (!type || input.uid.startsWith('plugin::')) throw new NotFoundError(`No content type ${input.uid}`);
  if (!type.draftAndPublish) throw new ValidationError(`${input.uid} does not use draft & publish`);
  if (input.action !== 'publish' && input.action !== 'unpublish')
    throw new ValidationError('action must be "publish" or "unpublish"');
  const at = parseDateTime(input.at);
  if (at instanceof Invalid) throw new ValidationError(`at must be ${at.expected}`);
  const { db } = core.database;
  const exists = await db
    .selectFrom(type.tableName)
    .select('id')
    .where('document_id', '=', input.documentId)
    .executeTakeFirst();
  const access = resolveAccess(core, type, options.access);
  // Scheduled actions address a document's default-locale version (they carry no locale yet).
  const ref = versionRef(core, type, input.documentId);
  if (!exists || !(await matchesConditions(core, db, type, ref, writeStatus(type), access)))
    throw new NotFoundError('Document not found');
  const row = await db
    .insertInto(TABLE)
    .values({
      uid: input.uid,
      document_id: input.documentId,
      action: input.action,
      due_at: at,
      status: 'pending',
      created_at: new Date().toISOString(),
      created_by_id: options.actor?.adminId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAction(row);
}

export async function getScheduledAction(
  core: CoreContext,
  id: number,
): Promise<ScheduledAction | undefined> {
  const row = await core.database.db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAction(row) : undefined;
}

/** At most this many actions per answer. */
const LIST_LIMIT = 1000;

/**
 * Actions by due time, at most 1000. With `visible` (the caller's scope on a type, undefined: none),
 * only actions on documents inside it: the same compiled conditions, on the same row, as a read of
 * the document. Those are kept page by page, so the limit counts visible actions only.
 */
export async function listScheduledActions(
  core: CoreContext,
  filter: { uid?: string; documentId?: string; status?: string } = {},
  options: { visible?: (uid: string) => AccessScope | undefined } = {},
): Promise<ScheduledAction[]> {
  const page = (offset: number) => {
    let query = core.database.db
      .selectFrom(TABLE)
      .selectAll()
      .orderBy('due_at')
      .orderBy('id')
      .limit(LIST_LIMIT)
      .offset(offset);
    if (filter.uid) query = query.where('uid', '=', filter.uid);
    if (filter.documentId) query = query.where('document_id', '=', filter.documentId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query.execute();
  };
  const visible = options.visible ?? (() => FULL_ACCESS);
  const kept: ScheduledAction[] = [];
  for (let offset = 0; kept.length < LIST_LIMIT; offset += LIST_LIMIT) {
    const actions = (await page(offset)).map(toAction);
    for (const action of await visibleOf(core, actions, visible)) {
      if (kept.length === LIST_LIMIT) break;
      kept.push(action);
    }
    if (actions.length < LIST_LIMIT) break;
  }
  return kept;
}

/** Those of `actions` on documents inside the caller's scope of their type (in their order). */
async function visibleOf(
  core: CoreContext,
  actions: readonly ScheduledAction[],
  visible: (uid: string) => AccessScope | undefined,
): Promise<ScheduledAction[]> {
  const within = new Map<string, ReadonlySet<string> | 'all'>();
  for (const uid of new Set(actions.map((a) => a.uid))) {
    const scope = visible(uid);
    if (!scope) continue;
    if (scope.conditions === undefined) {
      within.set(uid, 'all');
      continue;
    }
    // A type that is gone cannot say whose its documents were: only unconditioned scopes see them.
    const type = core.schema().contentTypes.get(uid);
    if (!type) continue;
    const ids = actions.filter((a) => a.uid === uid).map((a) => a.documentId);
    const access = resolveAccess(core, type, scope);
    within.set(
      uid,
      await documentsWithinConditions(core, core.database.db, type, ids, writeStatus(type), access),
    );
  }
  return actions.filter((a) => {
    const documents = within.get(a.uid);
    return documents === 'all' || (documents?.has(a.documentId) ?? false);
  });
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
    createdBy:
      row.created_by_id === null || row.created_by_id === undefined ? null : Number(row.created_by_id),
  };
}
