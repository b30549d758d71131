import { StartupError } from '../lib/startup-error.js';
import { DbError } from './errors.js';

/**
 * Why the first connection to PostgreSQL failed, as one line with a hint. Built from the URL's host,
 * port, database and user only: the URL itself may carry a password.
 */
export function postgresConnectError(err: unknown, url: string): unknown {
  const { host, port, database, user } = describeUrl(url);
  const where = `${host}:${port}`;
  // The driver's own error, under the DbError the executor made of it (an unreachable server).
  const cause = err instanceof DbError ? err.cause : err;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  switch (code) {
    case '3D000':
      return new StartupError(
        `PostgreSQL database "${database}" does not exist on ${where}: create it (e.g. \`createdb ${database}\`) or fix DATABASE_URL`,
      );
    case '28P01':
    case '28000':
      return new StartupError(
        `PostgreSQL on ${where} refused user "${user}": check the user and password in DATABASE_URL`,
      );
    case 'ECONNREFUSED':
      return new StartupError(
        `cannot reach PostgreSQL on ${where} (connection refused): is it running, and are DATABASE_URL's host and port right?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`cannot resolve the PostgreSQL host "${host}": check DATABASE_URL`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartupError(
        `cannot reach PostgreSQL on ${where} (${code}): check DATABASE_URL and the network between them`,
      );
  }
  if (/timeout exceeded when trying to connect/i.test(message))
    return new StartupError(
      `PostgreSQL on ${where} did not answer in time: check DATABASE_URL and that the server is up`,
    );
  return err;
}

/** Why SQLite could not open its file (a folder that cannot be created or written). */
export function sqliteOpenError(err: unknown, filePath: string): unknown {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR')
    return new StartupError(
      `cannot open the SQLite database ${filePath} (${String(code)}): its folder must exist or be creatable, and be writable; or set DATABASE_URL`,
    );
  return err;
}

function describeUrl(url: string): { host: string; port: string; database: string; user: string } {
  try {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username) || 'postgres';
    return {
      host: parsed.hostname || 'localhost',
      port: parsed.port || '5432',
      // Without a database in the URL, PostgreSQL uses the user's name.
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
      user,
    };
  } catch {
    return { host: '(unparsable DATABASE_URL)', port: '?', database: '?', user: '?' };
  }
}
