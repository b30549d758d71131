import type { Readable } from 'node:stream';

/** An inclusive byte range, already checked against the object's size. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface ObjectInfo {
  readonly size: number;
  /** The content type stored with the object, when the provider keeps one. */
  readonly contentType?: string;
}

export type ProviderName = 'local' | 'database' | 's3';

/**
 * Where file bytes live. Keys are storage names made by the media library (`<slug>_<random>.<ext>`),
 * never client input, and are checked again by every provider. Objects are immutable: a replaced file
 * gets a new key, so anything served can be cached forever.
 */
export interface FileStorage {
  readonly provider: ProviderName;
  /** Stores `body` (exactly `size` bytes) under `key`. */
  put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void>;
  /** Undefined when there is no such object. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** The object's bytes, or only `range` of them. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** The `url` of a file stored under `key`: `/uploads/<key>` (served by Quorum) or an absolute URL. */
  url(key: string): string;
  /** Where a request for `/uploads/<key>` is sent instead of being served here (signed S3 URLs). */
  redirect?(key: string): Promise<string>;
  /** Releases connections (S3's HTTP agent). */
  close?(): void;
}

/** The path under which Quorum serves stored files. */
export const UPLOADS_PATH = '/uploads';

// Storage names are made by the media library; anything else (slashes, dots first, `..`) is refused.
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,200}(\.[A-Za-z0-9]{1,16})?$/;

export function isStorageKey(key: string): boolean {
  return KEY.test(key);
}

export function assertStorageKey(key: string): void {
  if (!isStorageKey(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}
