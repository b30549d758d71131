import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, freePort, sleep } from './processes.js';

/**
 * A real nginx (the Debian package; `.ci/run` installs it) in front of Quorum nodes on loopback ports,
 * started unprivileged from deploy/nginx/quorum-upstreams.conf.template: every file it writes (pid, logs,
 * temp) lives in a private directory. For load-balancer tests: rolling restarts, kill -9 under load.
 */

export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'deploy', 'nginx', 'quorum-upstreams.conf.template');

/** Where nginx is: $NGINX_BIN, then PATH, then /usr/sbin (not on a non-root user's PATH on Debian). */
export function findNginx(): string | undefined {
  const candidates = [
    process.env.NGINX_BIN,
    ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => dir && path.join(dir, 'nginx')),
    '/usr/sbin/nginx',
    '/usr/local/sbin/nginx',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function requireNginx(): string {
  const bin = findNginx();
  if (!bin) throw new Error('nginx is not installed (apt-get install nginx-light; .ci/run does it in CI)');
  return bin;
}

// ---------------------------------------------------------------------------------------------------
// Rendering.

export interface NginxConfigOptions {
  /** Directory for pid, logs and temp files (the `-p` prefix). No whitespace, quotes or semicolons. */
  readonly dir: string;
  readonly listenPort: number;
  /** Upstream nodes: a port on 127.0.0.1, or "host:port". */
  readonly upstreams: ReadonlyArray<number | string>;
  /** Passive health: failures within `failTimeout` that take a node out for `failTimeout`. Default 1. */
  readonly maxFails?: number;
  /** Default "2s". */
  readonly failTimeout?: string;
  /** How many nodes one request may try. Default: every upstream. */
  readonly nextUpstreamTries?: number;
  /** Default "1s": a refused or black-holed node is skipped quickly. */
  readonly connectTimeout?: string;
  /** Default "30s". */
  readonly readTimeout?: string;
  /** How long nginx keeps an idle connection to a node; must be below the nodes' drain. Default "1s". */
  readonly upstreamKeepaliveTimeout?: string;
  /** Default "warn". */
  readonly errorLogLevel?: 'debug' | 'info' | 'notice' | 'warn' | 'error';
  /** A number served at /__nginx/generation, so a test can tell when a reload has taken effect. */
  readonly generation?: number;
}

const SAFE_PATH = /^[^\s;'"{}$]+$/;

/** The template with every placeholder filled in; throws on a placeholder it does not know. */
export function renderNginxConfig(
  options: NginxConfigOptions,
  template = readFileSync(NGINX_TEMPLATE, 'utf8'),
) {
  if (!SAFE_PATH.test(options.dir)) throw new Error(`nginx prefix ${options.dir} must be a plain path`);
  if (options.upstreams.length === 0) throw new Error('nginx needs at least one upstream');
  const maxFails = options.maxFails ?? 1;
  const failTimeout = options.failTimeout ?? '2s';
  const servers = options.upstreams.map((upstream) => {
    const address = typeof upstream === 'number' ? `127.0.0.1:${upstream}` : upstream;
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(address)) throw new Error(`bad upstream address ${address}`);
    return `        server ${address} max_fails=${maxFails} fail_timeout=${failTimeout};`;
  });
  const values: Record<string, string> = {
    PREFIX: options.dir,
    LISTEN_PORT: String(options.listenPort),
    UPSTREAM_SERVERS: servers.join('\n'),
    NEXT_UPSTREAM_TRIES: String(options.nextUpstreamTries ?? options.upstreams.length),
    CONNECT_TIMEOUT: options.connectTimeout ?? '1s',
    READ_TIMEOUT: options.readTimeout ?? '30s',
    // Below the shortest drain a test gives its nodes (1.5 s in the rolling restart).
    UPSTREAM_KEEPALIVE_TIMEOUT: options.upstreamKeepaliveTimeout ?? '1s',
    ERROR_LOG_LEVEL: options.errorLogLevel ?? 'warn',
    GENERATION: String(options.generation ?? 1),
    USER_DIRECTIVE: unprivilegedUserDirective(),
  };
  const used = new Set<string>();
  const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx template: unknown placeholder {{${name}}}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`nginx template: placeholders missing: ${unused.join(', ')}`);
  return rendered;
}

/**
 * The `user` line for an nginx started by a test. Only root may switch users, and as root nginx would
 * otherwise run its workers as "nobody" (whose group Debian does not have, and who cannot write the
 * private directory).
 */
export function unprivilegedUserDirective(): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? 'user root;' : '# not root: the workers run as the current user';
}

export interface NginxCheck {
  readonly ok: boolean;
  readonly output: string;
}

/** `nginx -t` on a configuration file, with every path it writes under `dir`. */
export function testNginxConfig(configFile: string, dir: string): NginxCheck {
  const result = spawnSync(
    requireNginx(),
    ['-t', '-p', dir, '-c', configFile, '-e', path.join(dir, 'error.log')],
    { encoding: 'utf8', timeout: 15_000 },
  );
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------------
// A running nginx.

export type NginxStartOptions = Omit<NginxConfigOptions, 'dir' | 'listenPort' | 'generation'> & {
  /** Default: a free port. */
  readonly listenPort?: number;
  /** Default: a fresh temporary directory, removed by stop(). */
  readonly dir?: string;
};

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // SIGTERM, not SIGKILL: the master takes its workers down with it; a SIGKILLed master leaves them behind.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGTERM');
    });
  }
}

export class NginxProcess {
  #child: ChildProcess | undefined;
  #output = '';
  #generation = 1;
  #options: NginxStartOptions;
  readonly #ownsDir: boolean;

  private constructor(
    options: NginxStartOptions,
    readonly dir: string,
    readonly port: number,
  ) {
    this.#options = options;
    this.#ownsDir = options.dir === undefined;
  }

  /** Renders the template, checks it with `nginx -t`, starts nginx and waits until it answers. */
  static async start(options: NginxStartOptions, timeoutMs = 10_000): Promise<NginxProcess> {
    for (let attempt = 1; ; attempt++) {
      const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'quorum-nginx-'));
      const port = options.listenPort ?? (await freePort());
      const nginx = new NginxProcess(options, dir, port);
      try {
        nginx.#writeConfig();
        nginx.#spawn();
        await nginx.waitAnswering(timeoutMs);
        return nginx;
      } catch (err) {
        await nginx.stop().catch(() => {});
        // A free port can be taken by someone else before nginx binds it: pick another.
        const portTaken = /Address already in use/.test(String(err));
        if (!portTaken || options.listenPort !== undefined || attempt >= 3) throw err;
      }
    }
  }

  get configFile(): string {
    return path.join(this.dir, 'nginx.conf');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The error log (and anything nginx printed before opening it). */
  errorLog(): string {
    const file = path.join(this.dir, 'error.log');
    return this.#output + (existsSync(file) ? readFileSync(file, 'utf8') : '');
  }

  /** Access-log lines: `... rid=<id> ... upstream="a, b" ustatus="502, 200" ...` (see the template). */
  accessLog(): string[] {
    const file = path.join(this.dir, 'access.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Resolves when nginx itself answers on its port; rejects with the error log if it exits first. */
  async waitAnswering(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`nginx exited before answering\n${this.errorLog()}`);
      const answer = await controlGet(this.port, '/__nginx/health').catch(() => undefined);
      if (answer?.status === 204) return;
      await sleep(50);
    }
    throw new Error(`nginx did not answer on port ${this.port} within ${timeoutMs} ms\n${this.errorLog()}`);
  }

  /**
   * Re-renders the configuration (optionally with other upstreams), checks it, sends SIGHUP and waits
   * until new connections are served by the new configuration.
   */
  async reload(
    changes: Partial<Omit<NginxStartOptions, 'dir' | 'listenPort'>> = {},
    timeoutMs = 10_000,
  ): Promise<void> {
    if (!this.running) throw new Error('nginx is not running');
    this.#options = { ...this.#options, ...changes };
    this.#generation++;
    this.#writeConfig();
    this.#child!.kill('SIGHUP');
    const expected = String(this.#generation);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await controlGet(this.port, '/__nginx/generation').catch(() => undefined);
      // Also wait for the old worker to exit: until then a client's pooled keep-alive connection may
      // still reach it and be closed under a request ("other side closed").
      if (answer?.body.trim() === expected && childPids(this.#child!.pid!).length <= 1) return;
      await sleep(50);
    }
    throw new Error(`nginx did not take the new configuration within ${timeoutMs} ms\n${this.errorLog()}`);
  }

  /** Graceful stop (SIGQUIT: finish in-flight requests), then SIGTERM, then SIGKILL. Removes its own dir. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.#child;
    if (child && this.running) {
      child.kill('SIGQUIT');
      if (!(await exited(child, timeoutMs))) {
        child.kill('SIGTERM');
        if (!(await exited(child, 5000))) {
          child.kill('SIGKILL');
          await exited(child, 5000);
        }
      }
    }
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  #writeConfig(): void {
    const config = renderNginxConfig({
      ...this.#options,
      dir: this.dir,
      listenPort: this.port,
      generation: this.#generation,
    });
    writeFileSync(this.configFile, config);
    const check = testNginxConfig(this.configFile, this.dir);
    if (!check.ok) throw new Error(`nginx -t rejected ${this.configFile}:\n${check.output}`);
  }

  #spawn(): void {
    const child = spawn(
      requireNginx(),
      ['-p', this.dir, '-c', this.configFile, '-e', path.join(this.dir, 'error.log'), '-g', 'daemon off;'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    this.#child = child;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.#output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#output += chunk));
  }
}

/** Stops every nginx this module started (for an afterAll). */
export async function stopAllNginx(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      child.kill('SIGTERM');
      if (!(await exited(child, 5000))) child.kill('SIGKILL');
    }),
  );
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Child processes of `pid` (nginx's workers), from /proc; empty where there is no /proc. */
function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return children;
}

/** A GET on a fresh connection (no pooling: after a reload, a pooled socket may still reach an old worker). */
function controlGet(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: pathname, agent: false, timeout: 1000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}
