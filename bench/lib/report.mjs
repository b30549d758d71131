// Turns measurements into verdicts against DESIGN.md's targets, a table for the console and a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TARGETS } from '../cases.mjs';
import { RESULTS_DIR } from './paths.mjs';

/** Other processes using more than this share of the CPU before a case make its figures unreliable. */
export const BUSY_THRESHOLD = 0.1;

/** Adds ratios to each case with a baseline, and the pass's target checks. */
export function evaluatePass(pass) {
  const byId = new Map(pass.cases.map((c) => [c.id, c]));
  for (const c of pass.cases) {
    const base = c.baseline && byId.get(c.baseline);
    if (!base) continue;
    c.ratio = {
      rps: c.rps / base.rps,
      // The same comparison made with CPU time per request (bare ÷ case): what the req/s ratio would be
      // on a quiet machine where both servers are CPU-bound. Robust to other load on the machine.
      cpu: base.cpuUsPerRequest / c.cpuUsPerRequest,
      // Latency ratios read the other way round: how many times slower than the bare route.
      p50: c.latencyMs.p50 / base.latencyMs.p50,
      p99: c.latencyMs.p99 / base.latencyMs.p99,
    };
  }
  const quorumCases = pass.cases.filter((c) => c.server === 'quorum');
  const checks = [];
  for (const c of quorumCases) {
    if (c.target && c.ratio) {
      checks.push({
        what: `(${c.id}) req/s vs ${c.baseline}`,
        value: `${pct(c.ratio.rps)} (CPU ${pct(c.ratio.cpu)})`,
        target: `>= ${pct(c.target.min)}` + (c.target.aim ? ` (aim ${pct(c.target.aim)})` : ''),
        ok: c.ratio.rps >= c.target.min,
      });
    }
    checks.push({
      what: `(${c.id}) p99`,
      value: ms(c.latencyMs.p99),
      target: `< ${TARGETS.p99Ms} ms`,
      ok: known(c.latencyMs.p99) && c.latencyMs.p99 < TARGETS.p99Ms,
    });
  }
  const peak = Math.max(...quorumCases.map((c) => c.rss.loadPeakMb));
  const idle = Math.max(...quorumCases.map((c) => c.rss.idleMb));
  checks.push({
    what: 'Quorum RSS under load (peak)',
    value: mb(peak),
    target: `< ${TARGETS.rssUnderLoadMb} MB`,
    ok: peak < TARGETS.rssUnderLoadMb,
  });
  checks.push({
    what: 'Quorum RSS idle (after load)',
    value: mb(idle),
    target: `< ${TARGETS.rssIdleMb} MB`,
    ok: idle < TARGETS.rssIdleMb,
  });
  checks.push({
    what: 'start to first 200',
    value: ms(pass.startToFirst200Ms),
    target: `< ${TARGETS.startToFirst200Ms} ms`,
    ok: pass.startToFirst200Ms < TARGETS.startToFirst200Ms,
  });
  pass.checks = checks;
  return pass;
}

// Missing figures (a case where no request completed) print as '-'.
const known = (value) => value !== null && value !== undefined && Number.isFinite(value);
const pct = (ratio) => (known(ratio) ? `${(ratio * 100).toFixed(1)}%` : '-');
const ms = (value) =>
  !known(value) ? '-' : value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(2)} ms`;
const us = (value) => (known(value) ? `${value.toFixed(0)} µs` : '-');
const mb = (value) => (known(value) ? `${value.toFixed(0)} MB` : '-');
const count = (value) => Math.round(value).toLocaleString('en-US');

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  // Text columns align left, figures right.
  const numeric = header.map((_, i) => rows.every((r) => /^[\d,.]+( ?(µs|ms|MB|%|x))?$|^-$/.test(r[i])));
  const line = (cells) =>
    cells.map((cell, i) => (numeric[i] ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])));
  return [
    line(header).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(r).join('  ')),
  ].join('\n');
}

/** Anything that makes a row's figures suspect: failed requests, a machine busy with other work. */
function notes(c) {
  const out = [];
  if (c.errors) out.push(`${c.errors} errors`);
  if (c.backgroundCpu > BUSY_THRESHOLD) out.push(`CPU ${(c.backgroundCpu * 100).toFixed(0)}% busy before`);
  return out.join(', ');
}

export function formatPass(pass) {
  const rows = pass.cases.map((c) => [
    c.id,
    c.label,
    count(c.rps),
    ms(c.latencyMs.p50),
    ms(c.latencyMs.p99),
    us(c.cpuUsPerRequest),
    mb(c.rss.loadPeakMb),
    mb(c.rss.idleMb),
    c.ratio ? pct(c.ratio.rps) : '-',
    c.ratio ? pct(c.ratio.cpu) : '-',
    c.baseline ?? '-',
    notes(c),
  ]);
  const header = ['case', 'request', 'req/s', 'p50', 'p99', 'CPU/req', 'RSS load', 'RSS idle'];
  header.push('req/s ratio', 'CPU ratio', 'vs', '');
  const verdicts = pass.checks.map((c) => [c.ok ? 'ok' : 'MISS', c.what, c.value, c.target]);
  return [
    `${count(pass.articles)} articles, ${pass.authors} authors (${count(pass.rows)} article rows, seeded in ` +
      `${(pass.seedMs / 1000).toFixed(1)} s); Quorum start to first 200: ${ms(pass.startToFirst200Ms)}, ` +
      `RSS after start ${mb(pass.rssAfterStartMb)}` +
      (pass.startBackgroundCpu > BUSY_THRESHOLD
        ? ` (CPU ${(pass.startBackgroundCpu * 100).toFixed(0)}% busy before)`
        : ''),
    '',
    table(header, rows),
    '',
    table(['', 'target', 'measured', 'goal'], verdicts),
  ].join('\n');
}

/** Writes the whole run as JSON; returns the file's path. */
export function writeResults(run) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(run, null, 2) + '\n');
  return file;
}
