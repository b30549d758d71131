import { LRUCache } from 'lru-cache';

/**
 * Content-API answers kept in this node's memory: the exact JSON a fresh read would send. An answer is
 * stored as the text the read produced and turned into UTF-8 bytes when it is first asked for again:
 * a string is encoded on every send (for a 40 kB page, a third of what a hit cost), while encoding it at
 * once would add that cost to every miss, including the many answers never asked for twice.
 *
 * Invalidation is by tag: an entry names the content types its read looked at (the requested type and
 * every type reached through populate, filters or sorts), and a write to a type retires exactly the
 * entries naming it — not the whole cache (a write to a category leaves the author lists alone). A write
 * to type T changes T's rows, its components and the links of T's relations; every read that can see
 * one of those names T, because a relation's links are reachable only through a read that names the
 * types at both ends.
 *
 * Writes call `changed` after they commit and before they answer, so a client reads its own writes on
 * this node at once; other nodes hear of them on the bus (node/node.ts). `ttlMs` bounds how long an
 * entry can outlive a change this node was never told about (a lost bus message, a write made in plain
 * SQL).
 *
 * Races: a read takes a `ticket` before it runs its query, and its answer is stored only if no write
 * was signalled meanwhile — otherwise the read may have seen the database before a write that has
 * already invalidated the cache, and storing it would outlive that write.
 */
export class ResponseCache {
  readonly #entries: LRUCache<string, Entry>;
  /** Bumped by every change; a ticket is its value when a read began. */
  #clock = 0;
  /** Per tag, the clock value of its last change. */
  readonly #changedAt = new Map<string, number>();
  /** Clock value of the last change to everything (a bus reconnect, an announcement naming no types). */
  #allChangedAt = 0;
  readonly stats = { hits: 0, misses: 0, bypasses: 0, stored: 0 };

  constructor(options: ResponseCacheOptions) {
    this.#entries = new LRUCache<string, Entry>({
      maxSize: Math.max(1, Math.floor(options.maxBytes)),
      // The text (up to two bytes per character) or its bytes; keys are strings too.
      sizeCalculation: (entry, key) =>
        (typeof entry.body === 'string' ? 2 * entry.body.length : entry.body.length) +
        2 * key.length +
        ENTRY_OVERHEAD,
      ttl: options.ttlMs,
      ttlAutopurge: false,
    });
  }

  /** Taken before a read runs; pass it to `set` with the read's answer. */
  ticket(): number {
    return this.#clock;
  }

  /** The stored answer for `key`, when no change to a type it depends on happened since it was read. */
  get(key: string): Buffer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || !this.#fresh(entry)) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    if (typeof entry.body === 'string') {
      // First hit: from now on the bytes are sent as they are (set again so the size is recounted).
      const body = Buffer.from(entry.body);
      this.#entries.set(key, { ...entry, body }, { noUpdateTTL: true });
      return body;
    }
    return entry.body;
  }

  /**
   * Stores an answer read under `ticket`, depending on the content types `tags` (undefined: on every
   * type, for reads whose dependencies cannot be listed). Dropped when a change came in meanwhile.
   */
  set(key: string, ticket: number, tags: readonly string[] | undefined, text: string): void {
    if (ticket !== this.#clock) return;
    this.#entries.set(key, { body: text, ticket, tags });
    this.stats.stored++;
  }

  /** A request that asked not to be answered from the cache (`Cache-Control: no-cache`). */
  bypassed(): void {
    this.stats.bypasses++;
  }

  /** Content of these types changed (here, or on another node as announced). */
  changed(tags: Iterable<string>): void {
    const at = ++this.#clock;
    for (const tag of tags) this.#changedAt.set(tag, at);
  }

  /** Anything may have changed: every entry is retired. */
  changedAll(): void {
    this.#allChangedAt = ++this.#clock;
  }

  /** Entries held and the memory they are accounted for (metrics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#entries.calculatedSize };
  }

  #fresh(entry: Entry): boolean {
    if (this.#allChangedAt > entry.ticket) return false;
    if (entry.tags === undefined) return this.#clock === entry.ticket;
    for (const tag of entry.tags) if ((this.#changedAt.get(tag) ?? 0) > entry.ticket) return false;
    return true;
  }
}

export interface ResponseCacheOptions {
  /** Upper bound on an entry's life, whatever happens. */
  readonly ttlMs: number;
  /** Upper bound on the memory the entries hold (approximate: text, key and bookkeeping). */
  readonly maxBytes: number;
}

interface Entry {
  /** The answer as read, until it is first asked for again; then its UTF-8 bytes. */
  readonly body: string | Buffer;
  readonly ticket: number;
  readonly tags: readonly string[] | undefined;
}

/** Bytes of bookkeeping per entry (the entry object, its LRU slots), so tiny answers are not free. */
const ENTRY_OVERHEAD = 200;
