import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';

/**
 * A content write's transaction (documents of type `uid`). After it commits — and before the write
 * answers — cached totals and cached answers are retired and the node is told (it announces the write
 * to the cluster, so other nodes retire theirs).
 *
 * Inside a transaction someone else owns (`inTransaction`), this runs before that transaction commits:
 * the owner calls `contentChanged` again after its commit (a read in between could otherwise have
 * cached what the database held before the write).
 */
export async function writeTransaction<T>(
  ctx: CoreContext,
  uid: string,
  fn: (trx: Executor) => Promise<T>,
): Promise<T> {
  const result = await ctx.database.transaction(fn);
  contentChanged(ctx, [uid]);
  return result;
}

/** Documents of these types changed (call after the commit). */
export function contentChanged(ctx: CoreContext, uids: readonly string[]): void {
  ctx.counts?.changed();
  ctx.onContentChanged?.(uids);
}
