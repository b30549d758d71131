import { readFileSync } from 'node:fs';

/**
 * Quorum's version, from its package.json (two folders up both from src/lib and from the built
 * dist/lib), read once when first imported.
 */
export const QUORUM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
