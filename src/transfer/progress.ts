/**
 * Progress of a transfer, per stage (schemas, entities, assets, links, …) with counts and throughput. On
 * a terminal one line redrawn in place (`\r`), with a bar when the total is known; otherwise a plain line
 * at most every few seconds and one when a stage ends, so logs stay readable. Written to stderr: stdout
 * carries the command's results only.
 */
export interface Progress {
  start(stage: string, total?: number): void;
  advance(count?: number): void;
  end(): void;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const PLAIN_INTERVAL_MS = 2000;
const TTY_INTERVAL_MS = 100;
const BAR_WIDTH = 24;

export function createProgress(output: ProgressOutput, now: () => number = Date.now): Progress {
  return new StageProgress(output, now);
}

/** A Progress that shows nothing (dry runs, tests of the writers). */
export const SILENT_PROGRESS: Progress = { start() {}, advance() {}, end() {} };

class StageProgress implements Progress {
  #stage = '';
  #total: number | undefined;
  #done = 0;
  #startedAt = 0;
  #shownAt = 0;
  #active = false;

  constructor(
    private readonly output: ProgressOutput,
    private readonly now: () => number,
  ) {}

  start(stage: string, total?: number): void {
    if (this.#active) this.end();
    this.#stage = stage;
    this.#total = total;
    this.#done = 0;
    this.#startedAt = this.now();
    // Plain lines wait one interval: a short stage prints only its closing line.
    this.#shownAt = this.output.isTTY ? 0 : this.#startedAt;
    this.#active = true;
    if (this.output.isTTY) this.#draw();
  }

  advance(count = 1): void {
    this.#done += count;
    const at = this.now();
    if (at - this.#shownAt < (this.output.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
    this.#shownAt = at;
    if (this.output.isTTY) this.#draw();
    else this.output.write(`${this.#line()}\n`);
  }

  end(): void {
    if (!this.#active) return;
    this.#active = false;
    if (this.output.isTTY) {
      this.#draw();
      this.output.write('\n');
    } else this.output.write(`${this.#line()} done\n`);
  }

  #rate(): number {
    const seconds = Math.max((this.now() - this.#startedAt) / 1000, 0.001);
    return Math.round(this.#done / seconds);
  }

  #count(): string {
    return this.#total !== undefined
      ? `${this.#done.toLocaleString('en')}/${this.#total.toLocaleString('en')}`
      : this.#done.toLocaleString('en');
  }

  #line(): string {
    return `${this.#stage}: ${this.#count()} (${this.#rate().toLocaleString('en')}/s)`;
  }

  #draw(): void {
    let bar = '';
    if (this.#total) {
      const filled = Math.min(BAR_WIDTH, Math.round((this.#done / this.#total) * BAR_WIDTH));
      bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
    }
    const text = `${this.#stage.padEnd(13)} ${bar}${this.#count()}  ${this.#rate().toLocaleString('en')}/s`;
    // A pseudo-terminal may report 0 columns.
    const width = this.output.columns || 80;
    this.output.write(`\r${text.slice(0, width - 1).padEnd(Math.min(width - 1, 70))}`);
  }
}
