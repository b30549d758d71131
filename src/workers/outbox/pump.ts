/**
 * Runs `pass` when woken and every `intervalMs`, never two at once. A wake that arrives during a pass
 * runs one more pass after it (nothing committed meanwhile is missed), and a pass that reports more
 * work runs again at once. Many wakes in a burst cost one pass.
 */
export class Pump {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly pass: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.intervalMs);
    this.#timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => (this.#running = undefined));
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        if (await this.pass()) this.#again = true;
      } catch (err) {
        // The next tick tries again; a failing database must not spin.
        this.onError(err);
        return;
      }
    } while (this.#again && !this.#stopped);
  }

  /** No further passes; resolves when the current one has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
