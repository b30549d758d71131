import type { Database } from '../db/types.js';
import type { Readiness } from '../http/health.js';
import { withTimeout } from '../lib/with-timeout.js';
import type { ClusterRuntime } from './cluster.js';

const READINESS_PING_TIMEOUT_MS = 2000;

/** What /readyz answers for this node; `drain` turns it red for good (a graceful stop begins). */
export interface NodeReadiness extends Readiness {
  drain(): void;
}

export function buildReadiness(database: Database, cluster: ClusterRuntime): NodeReadiness {
  let draining = false;
  return {
    drain() {
      draining = true;
    },
    async check() {
      if (draining) return { ready: false, reason: 'draining' };
      try {
        await withTimeout(database.ping(), READINESS_PING_TIMEOUT_MS);
      } catch {
        return { ready: false, reason: 'database unreachable' };
      }
      // A node with another QUORUM_SECRET would answer 401 to tokens the others accept. (The
      // fingerprints are in the log and the admin dashboard, not on this unauthenticated route.)
      const keys = await cluster.keys().catch(() => undefined);
      if (keys?.selfDiffers)
        return { ready: false, reason: "QUORUM_SECRET differs from the other nodes' (see the log)" };
      return { ready: true };
    },
  };
}
