import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { redisAvailable } from './helpers/redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a reachable PostgreSQL server, or null when the PostgreSQL suites are skipped. */
    pgAdminUrl: string | null;
    /** URL of the reachable shared Redis, or null when the Redis suites are skipped. */
    redisUrl: string | null;
  }
}

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Finds PostgreSQL once for the whole run. Without it, the PostgreSQL suites are skipped with a visible
 * notice, unless QUORUM_TEST_REQUIRE_SERVICES=1 (CI), where a missing service fails the run.
 */
export async function setup(project: TestProject): Promise<void> {
  const url = process.env.QUORUM_TEST_PG_URL ?? DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let available = false;
  try {
    await client.connect();
    await client.query('select 1');
    available = true;
  } catch (err) {
    const message = `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message})`;
    if (process.env.QUORUM_TEST_REQUIRE_SERVICES === '1')
      throw new Error(`${message}; QUORUM_TEST_REQUIRE_SERVICES=1 requires it`);
    process.stderr.write(`\n*** NOTICE: ${message}. PostgreSQL suites are SKIPPED. ***\n\n`);
  } finally {
    await client.end().catch(() => {});
  }
  project.provide('pgAdminUrl', available ? url : null);
  project.provide('redisUrl', await findRedis());
}

async function findRedis(): Promise<string | null> {
  const url = process.env.QUORUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAvailable(url)) return url;
  const message = `Redis is not reachable at ${url}`;
  if (process.env.QUORUM_TEST_REQUIRE_SERVICES === '1')
    throw new Error(`${message}; QUORUM_TEST_REQUIRE_SERVICES=1 requires it`);
  process.stderr.write(`\n*** NOTICE: ${message}. Redis suites are SKIPPED. ***\n\n`);
  return null;
}
