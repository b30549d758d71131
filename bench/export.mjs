// `quorum export` benchmark (issue 18): a SQLite database of the blog app with BENCH_EXPORT_ARTICLES
// articles (default 100,000 documents: a draft and a published row each, linked to an author and a
// category), exported by the real command to a .tar.gz, then to a plain .tar. Prints, per run: seconds,
// rows and links per second, the archive's size and the command's peak resident memory (sampled from
// /proc every 50 ms), which shows whether the export streams (it must not grow with the data).
// Usage: npm run bench:export (builds first). Environment: BENCH_EXPORT_ARTICLES (100000), BENCH_KEEP=1
// keeps the temporary app directory, BENCH_EXPORT_HEAP_MB caps the command's JavaScript heap (--max-old-space-size)
// to show the export does not need memory that grows with the data.
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { prepareApp, quorumEnv } from './lib/app.mjs';
import { REPO } from './lib/paths.mjs';
import { sampleRss } from './lib/processes.mjs';
import { seedDatabase } from './lib/seed.mjs';

const ARTICLES = Number(process.env.BENCH_EXPORT_ARTICLES ?? 100_000);
const log = (...args) => console.error('[export bench]', ...args);

async function runExport(app, archive, extra) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin/quorum.js'), 'export', archive, '--app', app.dir, ...extra],
    {
      env: {
        ...quorumEnv(),
        ...(process.env.BENCH_EXPORT_HEAP_MB && {
          NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_EXPORT_HEAP_MB}`,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const rss = sampleRss(child.pid, 50);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  const { peakMb } = rss.stop();
  if (code !== 0) throw new Error(`quorum export failed (${code}):\n${stderr}`);
  const file = stdout.trim();
  return { seconds: (performance.now() - started) / 1000, peakMb, bytes: statSync(file).size, file, stderr };
}

const app = await prepareApp('export');
try {
  log(`seeding ${ARTICLES.toLocaleString('en-US')} articles…`);
  const { seedMs } = await seedDatabase(app, { articles: ARTICLES, authors: 10 });
  log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
  const rows = ARTICLES * 2;
  const results = [];
  for (const [label, extra] of [
    ['tar.gz', []],
    ['tar', ['--no-compress']],
  ]) {
    const run = await runExport(app, path.join(app.dir, `archive-${label.replace('.', '-')}`), extra);
    log(run.stderr.trim().split('\n').at(-1));
    results.push({ label, ...run });
  }
  console.log(
    `quorum export, ${ARTICLES.toLocaleString('en-US')} documents (${rows.toLocaleString('en-US')} rows) on SQLite`,
  );
  console.log('| archive | seconds | rows/s | size | peak RSS |');
  console.log('| ------- | ------: | -----: | ---: | -------: |');
  for (const r of results)
    console.log(
      `| ${r.label} | ${r.seconds.toFixed(1)} | ${Math.round(rows / r.seconds).toLocaleString('en-US')} | ` +
        `${(r.bytes / 1024 / 1024).toFixed(1)} MB | ${Math.round(r.peakMb)} MB |`,
    );
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(app.dir, { recursive: true, force: true });
  else log(`kept ${app.dir}`);
}
