// Child processes of a bench run: every one is tracked so that a normal exit, an error or Ctrl-C leaves
// nothing running. Also the small process-level probes the measurements need (free port, RSS, readiness).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

/** The only address load is ever sent to: servers bind here and every URL is built from it. */
export const HOST = '127.0.0.1';

const children = new Set();

/**
 * Starts a process whose stderr (and stdout unless captured) goes to `logFile`, so a failure can be
 * explained without interleaving server logs with the bench's table.
 */
export function startProcess(command, args, { env, cwd, logFile, captureStdout = false } = {}) {
  const log = logFile ? createWriteStream(logFile) : null;
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', captureStdout ? 'pipe' : log ? 'pipe' : 'ignore', log ? 'pipe' : 'inherit'],
  });
  if (log) {
    if (!captureStdout) child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
  }
  children.add(child);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      log?.end();
      resolve({ code, signal });
    });
  });
  return child;
}

/** SIGTERM (servers drain and close their database), then SIGKILL if it does not go within `graceMs`. */
export async function stopProcess(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

/** Last resort on exit paths where waiting is impossible (process 'exit' event). */
function killAllNow() {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * Installs the cleanup: `cleanup` runs once on normal completion, on error and on SIGINT/SIGTERM; any
 * child still alive after it is killed outright.
 */
export function onShutdown(cleanup) {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    await Promise.all([...children].map((child) => stopProcess(child, 2000)));
    await cleanup();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping servers…\n`);
      run().finally(() => process.exit(130));
    });
  }
  process.once('exit', killAllNow);
  return run;
}

/** A port nobody listens on right now (the OS picks it; the tiny race until the server binds is fine). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Samples RSS every `intervalMs` until stopped; returns peak and mean. */
export function sampleRss(pid, intervalMs = 100) {
  const samples = [];
  const take = () => {
    try {
      samples.push(rssMb(pid));
    } catch {
      // The process may exit between samples; the caller notices through its own checks.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return {
        peakMb: Math.max(...samples),
        meanMb: samples.reduce((a, b) => a + b, 0) / samples.length,
      };
    },
  };
}

/**
 * Polls `url` until it answers 200; resolves to the milliseconds since `since` (performance.now()).
 * Connection refusals are expected while the server starts; an exited child fails at once.
 */
export async function waitFor200(url, { headers = {}, child, since, timeoutMs = 30_000, logFile }) {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`server exited with code ${child.exitCode} before answering${logHint(logFile)}`);
    }
    try {
      const response = await globalThis.fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms${logHint(logFile)}`);
}

function logHint(logFile) {
  if (!logFile) return '';
  try {
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
    return tail ? `; its log (${logFile}) ends with:\n${tail}` : '';
  } catch {
    return '';
  }
}

/** Runs a command to completion and returns its stdout; throws with its stderr on failure. */
export async function runCommand(command, args, { env, cwd } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  children.delete(child);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${stderr}`);
  return stdout;
}

function cpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}

/**
 * Share of the machine's CPU used by anything during `ms`, measured while the bench's own servers are
 * idle: other work on a 2-core machine shows up directly in the figures, so results record it.
 */
export async function backgroundCpuShare(ms = 1000) {
  const before = cpuTimes();
  await sleep(ms);
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

const CLOCK_TICKS_PER_S = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * CPU time (user + system, all threads) a process has used so far, in microseconds. Divided by the
 * requests served it gives the cost of one request, a figure that other load on the machine barely moves
 * (unlike req/s, which drops whenever the server waits for a core).
 */
export function cpuTimeUs(pid) {
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
  return (ticks / CLOCK_TICKS_PER_S) * 1e6;
}
