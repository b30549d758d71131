// Where the bench finds the repository (dist/, bin/, examples/) and writes its results.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Imports a compiled Quorum module (`npm run bench` builds dist/ first). */
export function importDist(relativePath) {
  return import(pathToFileURL(path.join(REPO, 'dist', relativePath)).href);
}
