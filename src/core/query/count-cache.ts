import { LRUCache } from 'lru-cache';

/**
 * Pagination totals, remembered per count statement until content changes. A list answers with a page
 * and a total; on a large table the total costs more than the page, and most requests repeat the same
 * few filters. Any write bumps the content version (on every node: the cluster announces writes), which
 * retires every cached total; `ttlMs` bounds staleness if an announcement from another node is missed.
 */
export class CountCache {
  readonly #cache = new LRUCache<string, { version: number; at: number; total: number }>({ max: 5000 });
  #version = 0;

  constructor(private readonly ttlMs: number) {}

  /** Content changed (here or, as announced, on another node). */
  changed(): void {
    this.#version++;
  }

  get(key: string): number | undefined {
    const entry = this.#cache.get(key);
    if (!entry || entry.version !== this.#version || Date.now() - entry.at > this.ttlMs) return undefined;
    return entry.total;
  }

  /** Stores a total computed while the content version was `version` (read before the query ran). */
  set(key: string, version: number, total: number): void {
    if (version === this.#version && this.ttlMs > 0) this.#cache.set(key, { version, at: Date.now(), total });
  }

  get version(): number {
    return this.#version;
  }
}
