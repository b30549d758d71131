// Summary of a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, which is where a
// bottleneck shows first. Open the .cpuprofile in Chrome DevTools for the full call tree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.mjs';

export function topFunctions(file, limit = 20) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: each sample is attributed to the node on top of the stack for its time delta.
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url ? `${path.relative(REPO, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, us]) => ({ function: fn, selfMs: us / 1000, share: us / total }));
}

export function formatTop(top) {
  return top
    .map(
      (t) =>
        `${(t.share * 100).toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(7)} ms  ${t.function}`,
    )
    .join('\n');
}

/** Where a call frame's code lives: a package, a folder of Quorum's dist/, Node itself, or V8. */
function codeOwner({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/dist\/([^/]+)\//.exec(url);
  if (dist) return `quorum ${dist[1]}/`;
  return url.startsWith('node:') ? 'node' : url;
}

/** Self time grouped by owner (package, Quorum layer, Node, GC), busiest first, idle left out. */
export function timeByOwner(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map();
  profile.samples.forEach((id, i) => {
    const owner = codeOwner(nodes.get(id).callFrame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  byOwner.delete('(idle)');
  const busy = [...byOwner.values()].reduce((a, b) => a + b, 0);
  return [...byOwner]
    .sort((a, b) => b[1] - a[1])
    .map(([owner, us]) => ({ function: owner, selfMs: us / 1000, share: us / busy }));
}
