/* global fetch, performance, FormData, Blob, Response */
// Media library benchmark (issue 8), everything on 127.0.0.1:
//   1. upload throughput: 1 MB JPEG photos, each decoded and resized into Strapi's formats (thumbnail,
//      small, medium, large), several uploads in flight;
//   2. download throughput of the 1 MB original per provider: local folder (SQLite), database chunks
//      (PostgreSQL), S3 (s3rver on a loopback port; through Quorum's /uploads redirect with signed access,
//      and straight from the bucket with public access).
// Usage: npm run bench:media (builds first). Environment: QUORUM_BENCH_PG_URL or BENCH_PG_URL (a role
// that may create databases; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_UPLOADS (per
// provider, 24), BENCH_UPLOAD_CONCURRENCY (4), BENCH_DOWNLOADS (400), BENCH_DOWNLOAD_CONCURRENCY (8),
// BENCH_PROVIDERS (local,database,s3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { REPO } from './lib/paths.mjs';
import { createDatabase } from './lib/postgres.mjs';
import { runCommand } from './lib/processes.mjs';
import { QuorumNode } from './lib/quorum-node.mjs';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 24);
const UPLOAD_CONCURRENCY = Number(process.env.BENCH_UPLOAD_CONCURRENCY ?? 4);
const DOWNLOADS = Number(process.env.BENCH_DOWNLOADS ?? 400);
const DOWNLOAD_CONCURRENCY = Number(process.env.BENCH_DOWNLOAD_CONCURRENCY ?? 8);
const PROVIDERS = (process.env.BENCH_PROVIDERS ?? 'local,database,s3').split(',');
const BUCKET = 'bench-media';

const log = (...args) => console.error('[media bench]', ...args);
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
};

/** A photo-like JPEG of about 1 MB: noise compresses badly, so 1100×1100 at quality 92 lands near 1 MB. */
async function photo(seed) {
  const width = 1100;
  const height = 1100;
  const raw = Buffer.alloc(width * height * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Smooth gradients plus noise, like a photo.
    raw[i] = ((i % (width * 3)) / 13 + (x >>> 24)) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

function appDir(upload) {
  const dir = mkdtempSync(path.join(tmpdir(), 'quorum-bench-media-'));
  const types = path.join(dir, 'src', 'api', 'note', 'content-types', 'note');
  mkdirSync(types, { recursive: true });
  writeFileSync(
    path.join(types, 'schema.json'),
    JSON.stringify({
      kind: 'collectionType',
      collectionName: 'notes',
      info: { singularName: 'note', pluralName: 'notes', displayName: 'Note' },
      options: { draftAndPublish: false },
      attributes: { title: { type: 'string' }, image: { type: 'media', multiple: false } },
    }),
  );
  writeFileSync(
    path.join(dir, 'quorum.config.json'),
    JSON.stringify({ log: { requests: false }, upload: { ...upload, orphanGraceMs: 0 } }),
  );
  return dir;
}

/** What the node and the CLI run with: the provider's database, a fixed secret, quiet logs. */
function quorumEnv(databaseUrl) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    QUORUM_SECRET: 'bench-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
    QUORUM_DRAIN_MS: '0',
  };
}

/** A full-access token through the CLI, as a user would make one. */
async function token(app, databaseUrl) {
  const out = await runCommand(
    process.execPath,
    [path.join(REPO, 'bin', 'quorum.js'), 'token', 'create', '--type', 'full-access', '--app', app],
    { env: quorumEnv(databaseUrl) },
  );
  return `Bearer ${out.trim()}`;
}

async function body(bytes, filename) {
  const form = new FormData();
  form.append('files', new Blob([bytes], { type: 'image/jpeg' }), filename);
  const response = new Response(form);
  return { bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') };
}

/** Runs `count` jobs with `concurrency` in flight; returns per-job milliseconds and the wall time. */
async function pool(count, concurrency, job) {
  const samples = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await job(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

async function measure(label, provider, databaseUrl, upload, photos) {
  const app = appDir(upload);
  const auth = await token(app, databaseUrl);
  const node = await new QuorumNode(label, app, quorumEnv(databaseUrl), { echoStderr: true }).start();
  try {
    const bodies = await Promise.all(photos.map((bytes, i) => body(bytes, `photo-${i}.jpg`)));
    // Warm-up: one upload (sharp's first call loads libvips); its file is the one downloaded below.
    const file = await post(node.url, auth, bodies[0]);
    const up = await pool(UPLOADS, UPLOAD_CONCURRENCY, async (i) => {
      await post(node.url, auth, bodies[i % bodies.length]);
    });
    const megabytes =
      Array.from({ length: UPLOADS }, (_, i) => photos[i % photos.length].length).reduce((a, b) => a + b) /
      1e6;
    const url = file.url.startsWith('http') ? file.url : node.url + file.url;
    let received = 0;
    await fetch(url).then((r) => r.arrayBuffer());
    const down = await pool(DOWNLOADS, DOWNLOAD_CONCURRENCY, async () => {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`GET ${url} → ${response.status}`);
      // Read first: `received += await …` would add to a stale value under concurrency.
      const length = (await response.arrayBuffer()).byteLength;
      received += length;
    });
    const result = {
      label,
      provider,
      upload: {
        files: UPLOADS,
        concurrency: UPLOAD_CONCURRENCY,
        filesPerSecond: UPLOADS / up.seconds,
        mbPerSecond: megabytes / up.seconds,
        p50ms: quantile(up.samples, 0.5),
        p99ms: quantile(up.samples, 0.99),
        formats: Object.keys(file.formats ?? {}).join(','),
      },
      download: {
        requests: DOWNLOADS,
        concurrency: DOWNLOAD_CONCURRENCY,
        requestsPerSecond: DOWNLOADS / down.seconds,
        mbPerSecond: received / 1e6 / down.seconds,
        p50ms: quantile(down.samples, 0.5),
        p99ms: quantile(down.samples, 0.99),
        via: file.url.startsWith('http')
          ? 'bucket (public URL)'
          : upload.s3?.access === 'signed'
            ? 'Quorum → 302 → bucket'
            : 'Quorum /uploads',
      },
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    await node.stop();
    rmSync(app, { recursive: true, force: true });
  }
}

async function post(base, auth, form) {
  const response = await fetch(`${base}/api/upload`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': form.type },
    body: form.bytes,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload → ${response.status} ${text}`);
  return JSON.parse(text)[0];
}

async function main() {
  log('making photos');
  const photos = await Promise.all([1, 2, 3, 4].map(photo));
  log(`photo sizes: ${photos.map((p) => (p.length / 1e6).toFixed(2)).join(', ')} MB`);
  const results = [];
  const sqliteDir = () => mkdtempSync(path.join(tmpdir(), 'quorum-bench-media-db-'));

  if (PROVIDERS.includes('local')) {
    const dir = sqliteDir();
    results.push(
      await measure(
        'local folder, SQLite',
        'local',
        `sqlite:${dir}/data.db`,
        { provider: 'local', local: { folder: path.join(dir, 'uploads') } },
        photos,
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
  if (PROVIDERS.includes('database')) {
    const database = await createDatabase('quorum_bench_media');
    try {
      results.push(
        await measure(
          'database chunks, PostgreSQL',
          'database',
          database.url,
          { provider: 'database' },
          photos,
        ),
      );
    } finally {
      await database.drop();
    }
  }
  if (PROVIDERS.includes('s3')) {
    const directory = mkdtempSync(path.join(tmpdir(), 'quorum-bench-s3rver-'));
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await s3.run();
    const s3Options = (access) => ({
      provider: 's3',
      s3: {
        bucket: BUCKET,
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        access,
      },
    });
    try {
      for (const access of ['public', 'signed']) {
        const dir = sqliteDir();
        results.push(
          await measure(
            `S3 (s3rver), ${access}, SQLite`,
            's3',
            `sqlite:${dir}/data.db`,
            s3Options(access),
            photos,
          ),
        );
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    }
  }

  const f = (n, d = 1) => n.toFixed(d);
  console.log(
    `\nUploads: ${UPLOADS} × ${(photos[0].length / 1e6).toFixed(2)} MB JPEG (1100×1100) per provider, ${UPLOAD_CONCURRENCY} in flight, formats made for each`,
  );
  console.log('| provider | uploads/s | MB/s in | p50 ms | p99 ms | formats |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.label} | ${f(r.upload.filesPerSecond, 2)} | ${f(r.upload.mbPerSecond)} | ${f(r.upload.p50ms, 0)} | ${f(r.upload.p99ms, 0)} | ${r.upload.formats} |`,
    );
  console.log(`\nDownloads: ${DOWNLOADS} GETs of the original, ${DOWNLOAD_CONCURRENCY} in flight`);
  console.log('| provider | served by | req/s | MB/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.label} | ${r.download.via} | ${f(r.download.requestsPerSecond)} | ${f(r.download.mbPerSecond)} | ${f(r.download.p50ms)} | ${f(r.download.p99ms)} |`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
