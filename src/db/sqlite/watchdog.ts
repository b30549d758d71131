import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The statement time limit on SQLite: native/sqlite-watchdog.c, built into build/ by `npm run build`.
 * better-sqlite3 runs statements on the main thread and is compiled without SQLite's progress handler,
 * so the limit is enforced from a thread of the extension's own (see the C file). A statement past the
 * limit fails with SQLITE_INTERRUPT (db/errors.ts: a timeout).
 */
const LIBRARY = fileURLToPath(
  new URL(
    `../../../build/sqlite-watchdog.${process.platform === 'darwin' ? 'dylib' : 'so'}`,
    import.meta.url,
  ),
);
/** Lifts the limit until the current transaction ends (db/dialect.ts `liftStatementTimeout`). */
export const LIFT_FUNCTION = 'quorum_lift_statement_timeout';

/**
 * Puts a time limit on every statement of the connection (0: none). Returns why it could not, in which
 * case the lift function exists anyway (as a no-op), so SQL that lifts the limit runs either way.
 */
export function limitStatementTime(raw: BetterSqlite3.Database, ms: number): string | undefined {
  const reason = load(raw);
  if (reason) {
    raw.function(LIFT_FUNCTION, () => null);
    return reason;
  }
  raw.prepare('select quorum_statement_timeout(?)').get(ms);
  return undefined;
}

function load(raw: BetterSqlite3.Database): string | undefined {
  if (!existsSync(LIBRARY)) return `${LIBRARY} was not built (a C compiler is needed at npm install)`;
  try {
    // SQLite finds the entry point from the file name: sqlite3_sqlitewatchdog_init.
    raw.loadExtension(LIBRARY);
    return undefined;
  } catch (err) {
    return `${LIBRARY} could not be loaded: ${(err as Error).message}`;
  }
}
