import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';

/**
 * A content write's transaction. After it commits, cached totals are retired and the node is told (it
 * announces the write to the cluster, so other nodes retire theirs).
 */
export async function writeTransaction<T>(ctx: CoreContext, fn: (trx: Executor) => Promise<T>): Promise<T> {
  const result = await ctx.database.transaction(fn);
  ctx.counts?.changed();
  ctx.onContentChanged?.();
  return result;
}
