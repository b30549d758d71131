import type { NodeAuth } from './auth.js';
import { TOPICS, type ClusterRuntime } from './cluster.js';
import type { ContentCore } from './content-core.js';
import type { StartedParts } from './started-parts.js';
import type { LocaleStore } from '../core/locales/store.js';

/**
 * Writes are announced at most this often: a burst of writes costs one bus message. It is also most of
 * how long another node's cached answer can lag a write (bench:cluster measures it), so it stays short.
 */
const CONTENT_ANNOUNCE_MS = 10;

/**
 * Changes made on this node are announced to the others: content writes (the types written, coalesced
 * into one message per CONTENT_ANNOUNCE_MS), permissions, API tokens, users and locales (this node
 * takes a new default locale before the change is answered).
 */
export function announceChanges(
  content: ContentCore,
  { permissions, tokens, auth }: NodeAuth,
  cluster: ClusterRuntime,
  parts: StartedParts,
  locales: LocaleStore,
): void {
  const written = new Set<string>();
  const announceWritten = coalesce(() => {
    const uids = [...written];
    written.clear();
    void cluster.publish(TOPICS.content, { uids });
  }, CONTENT_ANNOUNCE_MS);
  // A failed seed's writes signalled before its rollback: nothing to announce, and no bus to do it on.
  parts.add('content announcements', () => announceWritten.cancel());
  content.announceWith((uids) => {
    for (const uid of uids) written.add(uid);
    announceWritten();
  });
  permissions.changes.add(() => void cluster.publish(TOPICS.permissions));
  tokens.changes.add(() => void cluster.publish(TOPICS.tokens));
  auth.userChanges.add(() => void cluster.publish(TOPICS.users));
  locales.changes.add(async () => {
    await content.localesChanged();
    void cluster.publish(TOPICS.locales);
  });
}

/**
 * Runs `fn` at most once per `ms`, at the end of the window (trailing), whatever the number of calls;
 * `cancel` drops a pending run.
 */
function coalesce(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const trigger = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
    timer.unref();
  };
  return Object.assign(trigger, {
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  });
}
