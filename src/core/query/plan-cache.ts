import { LRUCache } from 'lru-cache';

/**
 * Parsed-and-compiled read plans, keyed by schema version, type, operation and the raw query string.
 * Frontends send a handful of query shapes over and over; parsing, validating and compiling them once
 * keeps the per-request cost to running SQL and serializing rows. A schema change bumps the version,
 * so stale plans are never used (they age out of the LRU).
 */
export class PlanCache {
  readonly #cache: LRUCache<string, object>;
  /** Look-ups served from the cache and those that built a plan (read by the metrics at scrape time). */
  hits = 0;
  misses = 0;

  constructor(max = 2000) {
    this.#cache = new LRUCache({ max });
  }

  get<T extends object>(key: string, build: () => T): T {
    const hit = this.#cache.get(key);
    if (hit) {
      this.hits++;
      return hit as T;
    }
    this.misses++;
    const plan = build();
    this.#cache.set(key, plan);
    return plan;
  }

  clear(): void {
    this.#cache.clear();
  }
}
