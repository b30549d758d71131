// `npm run bench`: Quorum's read path under wrk, next to a bare Fastify server in the same run.
// See bench/README.md for what is measured and how to read the figures.
//
// Environment:
//   BENCH_DURATION=10        seconds per measured case (after a warm-up)
//   BENCH_WARMUP=3           seconds of warm-up per case (not recorded)
//   BENCH_CONNECTIONS=20     wrk connections (-c); BENCH_THREADS=1 wrk threads (-t)
//   BENCH_LARGE=0            skip the 100,000-article pass; BENCH_LARGE_ARTICLES=N changes its size
//   BENCH_CASES=a,b          measure only these cases (their bare baselines are added)
//   BENCH_PROFILE=1          run the Quorum node under --cpu-prof and print its hottest functions
//   BENCH_ROUNDS=1           measure every case this many times (interleaved) and keep the best round
//   BENCH_KEEP=1             keep the temporary app directories (database, server logs)
//   BENCH_LOCALE=fr          articles are a localized type, all in that locale, read with locale=fr
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_LOCALE, CASES, LIST_PATH } from './cases.mjs';
import { createDocument } from './lib/api.mjs';
import { createToken, prepareApp } from './lib/app.mjs';
import { showcaseArticle } from './lib/content.mjs';
import { RESULTS_DIR } from './lib/paths.mjs';
import { backgroundCpuShare, cpuTimeUs, onShutdown, rssMb, sampleRss } from './lib/processes.mjs';
import { formatTop, timeByOwner, topFunctions } from './lib/profile.mjs';
import { BUSY_THRESHOLD, evaluatePass, formatPass, writeResults } from './lib/report.mjs';
import { seedDatabase } from './lib/seed.mjs';
import { startBare, startQuorum, stopServer } from './lib/servers.mjs';
import { verifySeededRows } from './lib/verify.mjs';
import { ensureWrk, runWrk } from './lib/wrk.mjs';

function positive(name, fallback, { integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/s$/, ''));
  if (!(value > 0) || (integer && !Number.isInteger(value)))
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`);
  return value;
}

function selectedCases() {
  const wanted = process.env.BENCH_CASES?.split(',').filter(Boolean);
  if (!wanted) return CASES;
  const ids = new Set(wanted);
  for (const c of CASES) if (ids.has(c.id) && c.baseline) ids.add(c.baseline);
  const unknown = wanted.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length) throw new Error(`BENCH_CASES: unknown case ${unknown.join(', ')}`);
  return CASES.filter((c) => ids.has(c.id));
}

function readSettings() {
  return {
    durationS: positive('BENCH_DURATION', 10),
    warmupS: positive('BENCH_WARMUP', 3),
    connections: positive('BENCH_CONNECTIONS', 20, { integer: true }),
    threads: positive('BENCH_THREADS', 1, { integer: true }),
    rounds: positive('BENCH_ROUNDS', 1, { integer: true }),
    // Time for the server to settle before the idle RSS reading.
    idleSettleMs: 2000,
    profile: process.env.BENCH_PROFILE === '1',
    keep: process.env.BENCH_KEEP === '1',
    cases: selectedCases().map((c) => c.id),
    passes: [
      { articles: 2000, authors: 10 },
      ...(process.env.BENCH_LARGE === '0'
        ? []
        : [{ articles: positive('BENCH_LARGE_ARTICLES', 100_000, { integer: true }), authors: 10 }]),
    ],
  };
}

/** Read once in main(); every function below runs after that. */
let settings;
const say = (line) => process.stderr.write(`bench: ${line}\n`);
const scratchDirs = [];
const shutdown = onShutdown(async () => {
  if (!settings?.keep) for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** One case: a check request, a warm-up, then the measured wrk run with RSS sampled throughout. */
async function measure(testCase, server, context) {
  const url = server.baseUrl + testCase.path(context);
  const headers = { ...server.headers, ...testCase.headers };
  const check = await globalThis.fetch(url, { headers });
  const body = await check.text();
  if (check.status !== 200) throw new Error(`${testCase.id}: ${url} answered ${check.status}: ${body}`);
  // A list that matches nothing would measure an empty page: say so (the data set should be fixed).
  if (/^\{"data":\[\]/.test(body)) say(`(${testCase.id}) WARNING: the response has no documents`);
  const wrkOptions = {
    threads: settings.threads,
    connections: settings.connections,
    headers,
  };
  const background = await backgroundCpuShare();
  if (background > BUSY_THRESHOLD) {
    say(
      `WARNING: the CPU was ${(background * 100).toFixed(0)}% busy before (${testCase.id}): figures will be low`,
    );
  }
  say(`(${testCase.id}) ${testCase.label}: warm-up ${settings.warmupS} s, then ${settings.durationS} s`);
  await runWrk(url, { ...wrkOptions, seconds: settings.warmupS });
  const sampler = sampleRss(server.child.pid);
  const cpuBefore = cpuTimeUs(server.child.pid);
  const result = await runWrk(url, { ...wrkOptions, seconds: settings.durationS });
  const cpuUs = cpuTimeUs(server.child.pid) - cpuBefore;
  const load = sampler.stop();
  await sleep(settings.idleSettleMs);
  if (server.child.exitCode !== null) throw new Error(`${server.name} died during (${testCase.id})`);
  if (result.requests === 0) {
    // Nothing to take latencies from; the row stays in the table (0 req/s) rather than ending the run.
    say(`(${testCase.id}) WARNING: no request completed in ${settings.durationS} s`);
    for (const key of Object.keys(result.latencyMs)) result.latencyMs[key] = null;
  }
  const errors = result.non2xx + result.socketErrors;
  if (errors)
    say(`(${testCase.id}) WARNING: ${result.non2xx} non-2xx responses, ${result.socketErrors} socket errors`);
  return {
    id: testCase.id,
    label: testCase.label,
    server: testCase.server,
    path: testCase.path(context),
    baseline: testCase.baseline,
    target: testCase.target,
    responseBytes: Buffer.byteLength(body),
    requests: result.requests,
    rps: result.rps,
    latencyMs: result.latencyMs,
    cpuUsPerRequest: result.requests ? cpuUs / result.requests : null,
    errors,
    backgroundCpu: background,
    rss: { loadPeakMb: load.peakMb, loadMeanMb: load.meanMb, idleMb: rssMb(server.child.pid) },
  };
}

/**
 * The round with the most req/s stands for the case: on a shared machine the least disturbed round is
 * the closest to the truth. Memory is the worst seen in any round.
 */
function bestRound(results) {
  const best = results.reduce((a, b) => (b.rps > a.rps ? b : a));
  return {
    ...best,
    rounds: results.map((r) => ({
      rps: r.rps,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      cpuUsPerRequest: r.cpuUsPerRequest,
    })),
    rss: {
      loadPeakMb: Math.max(...results.map((r) => r.rss.loadPeakMb)),
      loadMeanMb: best.rss.loadMeanMb,
      idleMb: results[results.length - 1].rss.idleMb,
    },
  };
}

/**
 * Starts the node that serves the cases, measuring start to first 200. With several rounds the start is
 * measured as often (the best counts, like the cases) and the last node started stays up.
 */
async function startMeasured(app, token, profileDir) {
  const startTimes = [];
  for (let round = 1; round < settings.rounds; round++) {
    const trial = await startQuorum(app, { token, readyPath: LIST_PATH });
    startTimes.push(trial.startToFirst200Ms);
    await stopServer(trial);
  }
  const quorum = await startQuorum(app, { token, readyPath: LIST_PATH, profileDir });
  startTimes.push(quorum.startToFirst200Ms);
  say(`Quorum answered its first 200 after ${startTimes.map((t) => t.toFixed(0)).join(', ')} ms`);
  return { quorum, startTimes };
}

async function runPass({ articles, authors }, startedAt) {
  say(`pass with ${articles.toLocaleString('en-US')} articles: preparing the app`);
  const app = await prepareApp(String(articles));
  scratchDirs.push(app.dir);
  const { ids, linkTables, seedMs } = await seedDatabase(app, { articles, authors });
  say(`seeded in ${(seedMs / 1000).toFixed(1)} s (${app.dbPath})`);
  const readOnly = await createToken(app.dir, 'read-only');
  const fullAccess = await createToken(app.dir, 'full-access');

  const profileDir = settings.profile
    ? path.join(RESULTS_DIR, 'profiles', `${startedAt.replace(/[:.]/g, '-')}-${articles}`)
    : undefined;
  const startBackgroundCpu = await backgroundCpuShare();
  const { quorum, startTimes } = await startMeasured(app, readOnly, profileDir);
  // Memory of a node that has answered one request: the floor the idle figure after load compares with.
  const rssAfterStartMb = rssMb(quorum.child.pid);
  await verifySeededRows({
    baseUrl: quorum.baseUrl,
    fullAccessToken: fullAccess,
    dbPath: app.dbPath,
    linkTables,
    ids,
  });
  const showcaseDocumentId = await createDocument(
    quorum.baseUrl,
    fullAccess,
    BENCH_LOCALE ? `articles?locale=${BENCH_LOCALE}` : 'articles',
    showcaseArticle(ids.authors[1], ids.categories[1]),
  );

  // The bare list route serves, byte for byte, what Quorum answers for case (a).
  const listFile = path.join(app.dir, 'list.json');
  const list = await globalThis.fetch(quorum.baseUrl + LIST_PATH, { headers: quorum.headers });
  writeFileSync(listFile, await list.text());
  const bare = await startBare(listFile, app.dir);

  const servers = { quorum, bare };
  const context = { documentId: ids.articles[Math.floor(articles / 2)], showcaseDocumentId, articles };
  const selected = CASES.filter((c) => settings.cases.includes(c.id));
  const rounds = new Map(selected.map((c) => [c.id, []]));
  try {
    // Rounds go through every case in turn, so a burst of outside load hits one round of each case.
    for (let round = 1; round <= settings.rounds; round++) {
      if (settings.rounds > 1) say(`round ${round} of ${settings.rounds}`);
      for (const testCase of selected) {
        rounds.get(testCase.id).push(await measure(testCase, servers[testCase.server], context));
      }
    }
  } finally {
    await stopServer(bare);
    const profile = await stopServer(quorum);
    if (profile) {
      say(`CPU profile of the Quorum node (${articles} articles): ${profile}`);
      process.stderr.write(formatTop(topFunctions(profile, 25)) + '\n');
      say('busy time by owner (share of the time the node was not idle):');
      process.stderr.write(formatTop(timeByOwner(profile).slice(0, 15)) + '\n');
    }
  }
  return evaluatePass({
    articles,
    authors,
    rows: articles * 2,
    seedMs,
    startToFirst200Ms: Math.min(...startTimes),
    startTimesMs: startTimes,
    rssAfterStartMb,
    startBackgroundCpu,
    cases: selected.map((c) => bestRound(rounds.get(c.id))),
  });
}

async function main() {
  settings = readSettings();
  const wrkVersion = ensureWrk();
  const startedAt = new Date().toISOString();
  const run = {
    startedAt,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      wrk: wrkVersion,
    },
    settings,
    passes: [],
  };
  for (const pass of settings.passes) {
    const result = await runPass(pass, startedAt);
    run.passes.push(result);
    process.stdout.write(`\n${formatPass(result)}\n\n`);
  }
  const file = writeResults(run);
  say(`results written to ${path.relative(process.cwd(), file)}`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : err}\n`);
  process.exitCode = 1;
} finally {
  await shutdown();
}
