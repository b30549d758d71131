import { describe } from 'vitest';
import { DATABASE_KINDS, postgresAvailable, type DatabaseKind } from './databases.js';

/**
 * Declares a suite once per database. The PostgreSQL copy is skipped (with the global notice) only when
 * no server is reachable and QUORUM_TEST_REQUIRE_SERVICES is not set; see global-setup.ts.
 */
export function describeEachDatabase(title: string, body: (kind: DatabaseKind) => void): void {
  for (const kind of DATABASE_KINDS) {
    describe.skipIf(kind === 'postgres' && !postgresAvailable())(`${title} [${kind}]`, () => body(kind));
  }
}
