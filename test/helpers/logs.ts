import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/node/logger.js';

/** A node's log lines, parsed, as the production logger (src/node/logger.ts) writes them. */
export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line so far (raw JSON text). */
  readonly raw: string[];
  /** Every line so far, parsed. */
  lines(): Record<string, unknown>[];
}

export function captureLogs(level = 'info'): CapturedLogs {
  const raw: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      let end: number;
      while ((end = partial.indexOf('\n')) !== -1) {
        raw.push(partial.slice(0, end));
        partial = partial.slice(end + 1);
      }
      done();
    },
  });
  return {
    logger: createLogger(level, stream),
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
