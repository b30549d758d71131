import { OUTBOX_TABLE } from '../../cluster/outbox.js';
import type { Database } from '../../db/types.js';

const OUTBOX_INSERT = `insert into "${OUTBOX_TABLE}"`;

export interface CommitSignal {
  /** The same database, whose transactions tell the listeners when they commit outbox events. */
  readonly database: Database;
  onOutboxCommit(listener: () => void): () => void;
}

/**
 * A cheap in-process signal that a local write committed outbox events, so this node's dispatcher
 * wakes at once instead of at its next poll. The cost per transaction is two integer reads (and a
 * string prefix test per statement): outbox inserts are counted as they run, and a transaction that
 * saw the count move during its lifetime signals after it commits. With concurrent transactions a
 * neighbour's insert can cause a spurious signal (harmless: the pass finds nothing), but a transaction
 * that inserted always signals after its own commit, so no wake-up is lost. Writes on other nodes are
 * found by polling.
 */
export function withCommitSignal(database: Database): CommitSignal {
  let inserts = 0;
  const listeners = new Set<() => void>();
  database.onQuery((event) => {
    if (!event.failed && event.sql.startsWith(OUTBOX_INSERT)) inserts++;
  });
  const wrapped: Database = {
    ...database,
    async transaction(fn) {
      const before = inserts;
      const result = await database.transaction(fn);
      if (inserts !== before) for (const listener of listeners) listener();
      return result;
    },
  };
  return {
    database: wrapped,
    onOutboxCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
