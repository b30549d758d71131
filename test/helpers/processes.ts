import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real `quorum` processes for end-to-end tests: one-shot CLI commands (`runCli`) and long-running nodes
 * (`QuorumProcess`) that a test can wait for, pause (SIGSTOP/SIGCONT), kill -9 and restart on the same
 * port. Every child is tracked; `killAllProcesses()` in an afterAll (and a process exit hook as a last
 * resort) makes sure none outlives its test file.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const QUORUM_BIN = path.join(REPO_ROOT, 'bin', 'quorum.js');
export const DIST_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');

/** Throws a clear error when the compiled CLI is missing (`npm test` builds it first). */
export function assertBuilt(): void {
  if (!existsSync(DIST_CLI)) {
    throw new Error(
      `${DIST_CLI} is missing: run \`npm run build\` first (\`npm test\` does it before vitest)`,
    );
  }
}

/** Every variable Quorum reads: children never inherit them from the test runner, only get what a test sets. */
const QUORUM_ENV_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'PORT',
  'HOST',
  'QUORUM_ADMIN_EMAIL',
  'QUORUM_ADMIN_PASSWORD',
  'QUORUM_SECRET',
  'LOG_LEVEL',
  'QUORUM_DRAIN_MS',
  'QUORUM_METRICS_TOKEN',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'QUORUM_TRUST_PROXY',
];

export type Env = Record<string, string | undefined>;

/** The runner's environment without Quorum's variables, plus `env` (an undefined value removes a key). */
export function childEnv(env: Env = {}): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env };
  for (const key of QUORUM_ENV_KEYS) delete result[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

const handedOut = new Set<number>();

/** A TCP port nothing listens on right now (never the same one twice in this test process). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

// ---------------------------------------------------------------------------------------------------
// Tracking, so no child outlives the test file whatever happened.

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) forceKill(c);
    });
  }
}

function forceKill(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill('SIGCONT'); // a stopped process cannot act on SIGKILL until continued on some systems
  } catch {
    /* already gone */
  }
  try {
    child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<ExitInfo> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** SIGKILLs every process this module started that is still alive, and waits until they are gone. */
export async function killAllProcesses(): Promise<void> {
  const children = [...live];
  for (const child of children) forceKill(child);
  await Promise.all(children.map((child) => waitForExit(child, 10_000).catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------------
// One-shot commands.

export interface CliResult extends ExitInfo {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/quorum.js ...args` to completion and returns its exit status and output. */
export async function runCli(
  args: readonly string[],
  options: { env?: Env; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  assertBuilt();
  const child = spawn(process.execPath, [QUORUM_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const exit = await waitForExit(child, timeoutMs);
    // 'exit' can fire before the pipes are drained.
    await Promise.all([streamClosed(child.stdout!), streamClosed(child.stderr!)]);
    return { ...exit, stdout, stderr };
  } catch (err) {
    forceKill(child);
    throw new Error(
      `quorum ${args.join(' ')}: ${(err as Error).message}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    );
  }
}

function streamClosed(stream: NodeJS.ReadableStream & { closed?: boolean }): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

// ---------------------------------------------------------------------------------------------------
// Long-running nodes.

export interface QuorumProcessOptions {
  /** App directory (`--app`). */
  readonly app: string;
  /** Environment on top of the runner's (Quorum's own variables are never inherited). */
  readonly env?: Env;
  /**
   * Port to listen on. Default: a free port picked once and kept across restarts (so a proxy or a
   * client can keep its URL). 0 lets the OS choose at every start; the URL is read from the log.
   */
  readonly port?: number;
  /** A label for messages. */
  readonly name?: string;
  /** Extra arguments after `start`. */
  readonly args?: readonly string[];
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/**
 * A `quorum start` child process. Defaults that keep tests fast and observable: LOG_LEVEL=info (JSON
 * lines on stderr, see `logs()`), QUORUM_DRAIN_MS=0 unless the test sets them.
 */
export class QuorumProcess {
  readonly name: string;
  #child: ChildProcess | undefined;
  #port: number | undefined;
  #listeningPort: number | undefined;
  #stdout = '';
  #stderr = '';
  #starts = 0;
  #marker = '';

  constructor(readonly options: QuorumProcessOptions) {
    this.name = options.name ?? 'quorum';
    this.#port = options.port;
  }

  /** Output of the current run and the earlier ones (each run starts with a marker line). */
  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True while the current child has not exited. */
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get port(): number {
    const port = this.#listeningPort ?? (this.#port || undefined);
    if (port === undefined) throw new Error(`${this.name}: not started yet`);
    return port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns the process (it is not ready yet: see `waitReady`). */
  async start(): Promise<this> {
    assertBuilt();
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    if (this.#port === undefined) this.#port = await freePort();
    this.#listeningPort = this.#port === 0 ? undefined : this.#port;
    this.#starts++;
    const marker = `--- ${this.name} start #${this.#starts} ---\n`;
    this.#marker = marker;
    this.#stdout += marker;
    this.#stderr += marker;
    const child = spawn(
      process.execPath,
      [
        QUORUM_BIN,
        'start',
        '--app',
        this.options.app,
        '--port',
        String(this.#port),
        ...(this.options.args ?? []),
      ],
      {
        cwd: REPO_ROOT,
        env: childEnv({ LOG_LEVEL: 'info', QUORUM_DRAIN_MS: '0', ...this.options.env }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    track(child);
    this.#child = child;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout = capped(this.#stdout + chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = capped(this.#stderr + chunk);
      if (this.#listeningPort === undefined)
        this.#listeningPort = readyPort(this.#stderr.slice(this.#stderr.lastIndexOf(this.#marker)));
    });
    return this;
  }

  /** Resolves when GET /readyz answers 200; rejects (with the log tail) if the process exits first. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready\n${this.tail()}`);
      if (this.#listeningPort !== undefined) {
        const status = await this.fetch('/readyz', { timeoutMs: 1000 }).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 200) return;
      }
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms\n${this.tail()}`);
  }

  /** start() then waitReady(). */
  async startReady(timeoutMs?: number): Promise<this> {
    await this.start();
    await this.waitReady(timeoutMs);
    return this;
  }

  /** A request to this node (a per-request timeout, so a paused node does not hang the test). */
  fetch(pathname: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
    const { timeoutMs = 5000, ...rest } = init;
    return fetch(this.url + pathname, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`${this.name} is not running`);
    this.#child!.kill(signal);
  }

  /** SIGSTOP: the process freezes (connections stay open, nothing is answered). */
  pause(): void {
    this.signal('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    this.signal('SIGCONT');
  }

  /** Sends `signal` (default SIGKILL, i.e. kill -9) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    const child = this.#child;
    if (!child) throw new Error(`${this.name} was never started`);
    if (this.running) {
      if (signal === 'SIGKILL') forceKill(child);
      else child.kill(signal);
    }
    return waitForExit(child, 15_000);
  }

  /** Graceful stop (SIGTERM); SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<ExitInfo> {
    const child = this.#child;
    if (!child) throw new Error(`${this.name} was never started`);
    if (!this.running) return waitForExit(child, 0);
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    try {
      return await waitForExit(child, timeoutMs);
    } catch {
      forceKill(child);
      return waitForExit(child, 10_000);
    }
  }

  /** Stops (gracefully, or with `signal`), starts again on the same port and waits until ready. */
  async restart(options: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<this> {
    if (this.running) {
      if (options.signal) await this.kill(options.signal);
      else await this.stop();
    }
    await this.start();
    await this.waitReady(options.timeoutMs);
    return this;
  }

  /** Waits for the current child to exit on its own. */
  waitExit(timeoutMs = 15_000): Promise<ExitInfo> {
    if (!this.#child) throw new Error(`${this.name} was never started`);
    return waitForExit(this.#child, timeoutMs);
  }

  /** The JSON log lines written to stderr so far (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>> {
    return parseLogLines(this.#stderr);
  }

  /** The last lines of stderr, for failure messages. */
  tail(lines = 30): string {
    return `${this.name} stderr (last ${lines} lines):\n${this.#stderr.split('\n').slice(-lines).join('\n')}`;
  }
}

export function parseLogLines(text: string): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* a line cut by the capture limit */
    }
  }
  return entries;
}

function readyPort(stderr: string): number | undefined {
  for (const entry of parseLogLines(stderr)) {
    if (entry.msg !== 'Quorum node ready' || typeof entry.url !== 'string') continue;
    const port = Number(new URL(entry.url).port);
    if (port > 0) return port;
  }
  return undefined;
}

function capped(text: string): string {
  return text.length > MAX_CAPTURE ? text.slice(text.length - MAX_CAPTURE) : text;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}
