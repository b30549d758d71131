import type { LogEvent } from 'kysely';
import type { QueryEvent } from './types.js';

/** Fans Kysely's per-query log events out to listeners (metrics, statement-counting tests). */
export class QueryEvents {
  readonly #listeners = new Set<(event: QueryEvent) => void>();

  readonly log = (event: LogEvent): void => {
    if (this.#listeners.size === 0) return;
    const payload: QueryEvent = {
      sql: event.query.sql,
      durationMs: event.queryDurationMillis,
      failed: event.level === 'error',
    };
    for (const listener of this.#listeners) listener(payload);
  };

  subscribe(listener: (event: QueryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
