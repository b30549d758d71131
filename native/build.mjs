// Compiles the SQLite statement-time-limit extension (sqlite-watchdog.c) into build/, against the SQLite
// headers that ship with better-sqlite3 (the same SQLite it runs). Part of `npm run build`.
// Without a C compiler this warns and succeeds: Quorum then runs on SQLite without a statement time limit
// and says so at start (src/db/sqlite/watchdog.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const headers = path.join(
  path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'deps',
  'sqlite3',
);
const output = path.join(
  root,
  'build',
  process.platform === 'darwin' ? 'sqlite-watchdog.dylib' : 'sqlite-watchdog.so',
);
mkdirSync(path.dirname(output), { recursive: true });

const compiler = process.env.CC || 'cc';
const args = [
  '-O2',
  '-fPIC',
  '-shared',
  '-Wall',
  '-Werror',
  ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
  `-I${headers}`,
  '-o',
  output,
  path.join(here, 'sqlite-watchdog.c'),
  '-lpthread',
  ...(process.platform === 'linux' ? ['-ldl'] : []),
];
const result = spawnSync(compiler, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) {
  const reason = result.error ? result.error.message : `${compiler} exited with ${result.status}`;
  process.stderr.write(
    `\nwarning: could not build the SQLite statement time limit (${reason}); ` +
      'Quorum will run on SQLite without one. Install a C compiler (cc) and run `npm run build` again.\n\n',
  );
}
