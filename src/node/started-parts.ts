import type { Logger } from 'pino';

/**
 * What a node's start has brought up so far, so that a later step that fails can bring it down again,
 * last started first. A half-started node must not keep its bus connection, leader election and timers
 * running: the process would never exit, and would keep campaigning on a closed database.
 */
export class StartedParts {
  readonly #parts: { name: string; stop: () => unknown }[] = [];

  /** Records a part that is up (or being brought up: its stop must cope with a partial start). */
  add(name: string, stop: () => unknown): void {
    this.#parts.push({ name, stop });
  }

  /** Stops every part in reverse order; one that fails to stop does not keep the others up. */
  async stopAll(logger: Logger): Promise<void> {
    for (const { name, stop } of this.#parts.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.warn({ err: (err as Error).message, part: name }, 'could not stop a part of a failed start');
      }
    }
  }
}
