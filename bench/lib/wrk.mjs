// wrk: installation (Debian package) and one measurement run, parsed into numbers.
import { spawnSync } from 'node:child_process';
import { HOST, runCommand } from './processes.mjs';

function wrkVersion() {
  const result = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (result.error) return null;
  // `wrk -v` prints "wrk 4.1.0 [epoll] Copyright …" and exits non-zero.
  return (result.stdout + result.stderr).match(/wrk\s+(\S+)/)?.[1] ?? 'unknown';
}

function apt(args, asRoot) {
  const command = asRoot ? 'apt-get' : 'sudo';
  const fullArgs = asRoot ? args : ['-n', 'apt-get', ...args];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync(command, fullArgs, { stdio: 'inherit', env }).status === 0;
}

/** Returns wrk's version, installing the Debian package first when wrk is absent. */
export function ensureWrk() {
  const found = wrkVersion();
  if (found) return found;
  const asRoot = process.getuid?.() === 0;
  const canSudo = !asRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!asRoot && !canSudo) {
    throw new Error(
      'wrk is not installed and this user can neither run apt-get (not root) nor sudo without a password.\n' +
        'Install it once with: sudo apt-get install -y wrk',
    );
  }
  process.stderr.write('bench: wrk not found, installing the Debian package…\n');
  // A fresh container may have no package lists yet: update once, then retry.
  const installed =
    apt(['install', '-y', 'wrk'], asRoot) ||
    (apt(['update'], asRoot) && apt(['install', '-y', 'wrk'], asRoot));
  const version = installed && wrkVersion();
  if (!version) throw new Error('could not install wrk with apt-get (see the output above)');
  return version;
}

const TIME_UNITS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1.23ms" → 1.23 (milliseconds). */
function parseTime(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`unexpected wrk time "${text}"`);
  return Number(match[1]) * TIME_UNITS[match[2]];
}

/** Extracts the figures from wrk's text report (run with --latency). */
export function parseWrkOutput(text) {
  const number = (re) => {
    const match = re.exec(text);
    return match ? Number(match[1]) : 0;
  };
  const percentile = (p) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(text);
    if (!match) throw new Error(`wrk output has no ${p}% latency:\n${text}`);
    return parseTime(match[1]);
  };
  const latencyLine = /^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: number(/^\s+(\d+) requests in/m),
    rps: number(/^Requests\/sec:\s+([\d.]+)/m),
    latencyMs: {
      avg: latencyLine ? parseTime(latencyLine[1]) : NaN,
      max: latencyLine ? parseTime(latencyLine[3]) : NaN,
      p50: percentile(50),
      p75: percentile(75),
      p90: percentile(90),
      p99: percentile(99),
    },
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/**
 * One wrk run against a local URL. Refuses any other host: a benchmark must never load someone else's
 * server by a typo in a variable.
 */
export async function runWrk(url, { seconds, threads, connections, headers = {} }) {
  const parsed = new URL(url);
  if (parsed.hostname !== HOST) throw new Error(`refusing to send load to ${parsed.hostname}`);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency'];
  // A generous timeout: a slow case should show its real (bad) latency, not a count of timeouts.
  args.push('--timeout', '30s');
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const output = await runCommand('wrk', args);
  return { ...parseWrkOutput(output), raw: output };
}
