// The two servers of a pass, each a separate process so its RSS and CPU are its own: the Quorum node
// started by the real CLI, and the bare Fastify baseline.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { quorumEnv } from './app.mjs';
import { BENCH_DIR, REPO } from './paths.mjs';
import { HOST, freePort, startProcess, stopProcess, waitFor200 } from './processes.mjs';

/**
 * Starts `quorum start` on the app and waits for the first 200 on `readyPath` (a real content request,
 * not /_health). The time from spawn to that answer is the start-to-first-200 figure.
 */
export async function startQuorum(app, { token, readyPath, profileDir }) {
  const port = await freePort();
  const logFile = path.join(app.dir, 'quorum.log');
  const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...nodeFlags, path.join(REPO, 'bin/quorum.js'), 'start', '--app', app.dir];
  args.push('--port', String(port), '--host', HOST);
  const headers = { authorization: `Bearer ${token}` };
  const since = performance.now();
  const child = startProcess(process.execPath, args, { env: quorumEnv(), logFile });
  const baseUrl = `http://${HOST}:${port}`;
  const startToFirst200Ms = await waitFor200(baseUrl + readyPath, { headers, child, since, logFile });
  return { name: 'quorum', child, baseUrl, headers, logFile, startToFirst200Ms, profileDir };
}

/** Starts bench/bare-server.mjs serving `listFile` as its list route. */
export async function startBare(listFile, logDir) {
  const port = await freePort();
  const logFile = path.join(logDir, 'bare.log');
  const args = [path.join(BENCH_DIR, 'bare-server.mjs'), '--port', String(port), '--list', listFile];
  const child = startProcess(process.execPath, args, { logFile });
  const baseUrl = `http://${HOST}:${port}`;
  await waitFor200(`${baseUrl}/hello`, { child, since: performance.now(), logFile });
  return { name: 'bare', child, baseUrl, headers: {}, logFile };
}

/** Stops a server; a node started with --cpu-prof writes its profile on the way out. */
export async function stopServer(server) {
  const { code, signal } = await stopProcess(server.child);
  if (code !== 0 && signal !== 'SIGTERM') {
    process.stderr.write(`bench: ${server.name} exited with ${code ?? signal}; see ${server.logFile}\n`);
  }
  if (!server.profileDir) return undefined;
  const file = readdirSync(server.profileDir).find((f) => f.endsWith('.cpuprofile'));
  return file && path.join(server.profileDir, file);
}
