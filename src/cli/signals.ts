import { writeSync } from 'node:fs';
import type { Logger } from 'pino';

/** 128 + SIGINT's number: what shells report for a process ended by Ctrl-C. */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * How a running node answers SIGTERM and SIGINT. The first signal starts the graceful stop (readiness
 * red, drain, close). A second Ctrl-C exits at once, non-zero: whoever presses it twice has chosen not
 * to wait. A repeated SIGTERM changes nothing, so an orchestrator's drain contract holds.
 *
 * Ctrl-C in a terminal (stdin is a TTY) skips the drain: no load balancer polls a node someone runs by
 * hand, so there is nobody to wait for; in-flight requests still finish.
 */
export function handleStopSignals(options: {
  logger: Logger;
  drainMs: number;
  interactive: boolean;
  stop: (drainMs: number) => Promise<void>;
}): void {
  const { logger } = options;
  let stopping = false;
  const onSignal = (signal: 'SIGTERM' | 'SIGINT') => {
    if (stopping) {
      if (signal !== 'SIGINT') return;
      // Synchronous, so the line is out before the process is.
      writeSync(2, 'quorum: second interrupt: exiting at once, without finishing the shutdown\n');
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    stopping = true;
    const skipDrain = signal === 'SIGINT' && options.interactive;
    const drainMs = skipDrain ? 0 : options.drainMs;
    logger.info(
      {
        signal,
        drainMs,
        ...(skipDrain && { why: 'interrupted in a terminal: no load balancer to wait for' }),
        ...(signal === 'SIGINT' && { hint: 'Ctrl-C again to exit at once' }),
      },
      'draining before shutdown',
    );
    options.stop(drainMs).then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exitCode = 0;
      },
      (err: Error) => {
        logger.error({ err }, 'error while stopping');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
