// A Quorum node run by the real CLI (`node bin/quorum.js start`) on 127.0.0.1, for the benches that start
// nodes of their own (cluster, outbox, media). The port is picked once and kept, so a node killed in a
// failover round comes back at the same address; the end of its stderr is kept to explain a failed start.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from './paths.mjs';
import { HOST, freePort } from './processes.mjs';

const BIN = path.join(REPO, 'bin', 'quorum.js');
const READY_WITHIN_MS = 60_000;
const STDERR_TAIL_CHARS = 20_000;

export class QuorumNode {
  /**
   * `env` is the node's whole environment (DATABASE_URL, QUORUM_SECRET…). Options: `port` (otherwise a free
   * one at the first start), `onSpawn(child)` (called with every process started, so a bench can track
   * it for its cleanup), `echoStderr` (copy the node's stderr to the bench's own as it comes, as well).
   */
  constructor(name, app, env, { port, onSpawn, echoStderr = false } = {}) {
    Object.assign(this, { name, app, env, port, onSpawn, echoStderr });
    this.stderr = '';
  }

  get url() {
    return `http://${HOST}:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns the node and resolves (to the node) once /readyz answers 200. If the process exits first or
   * is not ready within 60 s, it is killed and the error carries the end of its stderr.
   */
  async start() {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.port ??= await freePort();
    const args = [BIN, 'start', '--app', this.app, '--port', String(this.port), '--host', HOST];
    this.child = spawn(process.execPath, args, {
      cwd: REPO,
      env: this.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.onSpawn?.(this.child);
    this.stderr = '';
    this.child.stderr.setEncoding('utf8').on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_CHARS);
      if (this.echoStderr) process.stderr.write(chunk);
    });
    const deadline = Date.now() + READY_WITHIN_MS;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited:\n${this.stderr}`);
      const status = await globalThis.fetch(`${this.url}/readyz`).then(
        (r) => r.status,
        () => 0, // not listening yet
      );
      if (status === 200) return this;
      await sleep(100);
    }
    await this.kill();
    throw new Error(
      `${this.name} (${this.url}) was not ready within ${READY_WITHIN_MS / 1000} s:\n${this.stderr}`,
    );
  }

  /** SIGKILL, as a crash would; resolves once the process has exited. */
  kill() {
    return this.#signal('SIGKILL');
  }

  /** SIGTERM (the node drains and closes its database); resolves once the process has exited. */
  stop() {
    return this.#signal('SIGTERM');
  }

  #signal(signal) {
    const child = this.child;
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
