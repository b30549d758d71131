// The PostgreSQL server the cluster, outbox and media benches create their throwaway databases on. They
// touch nothing else on it: each database is created under a random name and dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The admin connection: a role that may create databases. Both names the benches document are read,
 * `BENCH_PG_URL` (cluster) and `QUORUM_BENCH_PG_URL` (media, outbox); `BENCH_PG_URL` wins when both are set.
 */
export const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ||
  process.env.QUORUM_BENCH_PG_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement as the admin role, on a client of its own (a bench runs a few, and none stays open). */
export async function adminQuery(text) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database named `<prefix>_<random hex>` on the admin server. `drop()` removes it even while
 * nodes killed a moment ago still hold connections (`with (force)`), and may be called more than once.
 */
export async function createDatabase(prefix) {
  // The name goes into SQL text (identifiers cannot be bound): only plain lower-case names are accepted.
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`not a plain database name prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}
