import type { ArchiveMetadata } from '../format.js';

/**
 * The Strapi release whose transfer format Quorum writes (measured on archives `strapi export` made).
 * metadata.json names a Strapi version; `strapi import` does not compare it by default (its version
 * strategy is `ignore`), so the format's version is the honest value to give.
 */
export const STRAPI_FORMAT_VERSION = '5.54.0';

/** metadata.json: when the archive was made and which Strapi format it follows. */
export function archiveMetadata(now: Date = new Date()): ArchiveMetadata {
  return { createdAt: now.toISOString(), strapi: { version: STRAPI_FORMAT_VERSION } };
}
