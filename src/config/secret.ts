import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from './errors.js';
import { refusePlaceholder } from './placeholders.js';
import type { QuorumConfig } from './types.js';

const MIN_SECRET_LENGTH = 16;

/**
 * The master secret every per-purpose key is derived from. In embedded (SQLite) mode a random secret is
 * created once in <app>/.quorum/secret (mode 0600); with PostgreSQL several nodes must agree on it, so
 * QUORUM_SECRET is required.
 */
export function resolveSecret(
  config: QuorumConfig,
  env: Record<string, string | undefined> = process.env,
): string {
  const fromEnv = env.QUORUM_SECRET?.trim();
  if (fromEnv) {
    refusePlaceholder('QUORUM_SECRET', fromEnv);
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`QUORUM_SECRET must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
    return fromEnv;
  }
  if (config.database.kind !== 'sqlite') {
    throw new ConfigError(
      'QUORUM_SECRET is required with PostgreSQL: every node of a cluster must share it (e.g. `openssl rand -hex 32`)',
    );
  }
  const dir = path.join(config.appDir, '.quorum');
  const file = path.join(dir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (a CLI command started next to the node) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  chmodSync(file, 0o600);
  return secret;
}
