import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type ConfigOverrides, type QuorumConfig } from '../config/index.js';
import { createLogger } from '../node/logger.js';

/** Options every command accepts. */
export interface CommonOptions {
  app?: string;
  logLevel?: string;
}

/** Configuration and logger for a command, read exactly as `start` reads them. */
export function commandContext(
  options: CommonOptions,
  overrides: ConfigOverrides = {},
): { config: QuorumConfig; logger: Logger } {
  const appDir = path.resolve(options.app ?? process.cwd());
  const config = loadConfig({
    appDir,
    overrides: { ...overrides, logLevel: options.logLevel ?? overrides.logLevel },
  });
  return { config, logger: createLogger(config.log.level) };
}

/** Prints a command's result: stdout carries results only. */
export function output(line: string): void {
  process.stdout.write(line + '\n');
}
