import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SchemaFile } from '../core/schema/load-files.js';
import { checkSchemaDefinition } from '../core/schema/validate-files.js';

/** The README section every warning points at: what to do instead of each part Quorum does not run. */
export const NOT_RUN_SECTION = 'README.md#what-quorum-does-not-run-from-a-strapi-project';

/** One part of a Strapi project that Quorum leaves out, and where it is. */
export interface NotRunPart {
  /** Stable name of the part, e.g. `lifecycles`, `controllers`, `option:conditions`. */
  readonly part: string;
  readonly message: string;
  /** Files (relative to the app directory), with the attribute in parentheses for attribute options. */
  readonly files: readonly string[];
}

const CODE_FILE = /\.(js|ts|mjs|cjs)$/;

/**
 * What a Strapi project holds that Quorum does not run or act on: project code (register/bootstrap,
 * lifecycles, customized controllers, services and routes, policies, middlewares), plugin configuration,
 * and schema options Quorum accepts without acting on them (i18n first). Files that only do what Quorum
 * does anyway (a core controller, service or router of a uid, the empty `src/index.ts` and
 * `config/plugins.ts` of a new project) are left out, so a fresh project starts without a warning.
 */
export function strapiPartsNotRun(appDir: string, schemaFiles: readonly SchemaFile[]): NotRunPart[] {
  const parts: NotRunPart[] = [];
  const add = (part: string, message: string, files: string[]) => {
    if (files.length) parts.push({ part, message, files: [...new Set(files)].sort() });
  };
  const relative = (file: string) => path.relative(appDir, file).split(path.sep).join('/');
  const src = path.join(appDir, 'src');

  add(
    'bootstrap',
    'Quorum does not run the register/bootstrap functions of src/index',
    codeFiles(src, { depth: 0 })
      .filter((file) => /^index\.(js|ts|mjs|cjs)$/.test(path.basename(file)) && !isEmptyEntryFile(file))
      .map(relative),
  );

  const apis = subdirectories(path.join(src, 'api'));
  const extensions = subdirectories(path.join(src, 'extensions'));
  const typeFolders = [
    ...apis.map((api) => path.join(src, 'api', api, 'content-types')),
    ...extensions.map((plugin) => path.join(src, 'extensions', plugin, 'content-types')),
  ].flatMap((dir) => subdirectories(dir).map((name) => path.join(dir, name)));
  add(
    'lifecycles',
    'Quorum does not run lifecycle hooks',
    typeFolders
      .flatMap((dir) => codeFiles(dir, { depth: 0 }))
      .filter(isLifecycles)
      .map(relative),
  );

  const apiCode = (kind: string) => apis.flatMap((api) => codeFiles(path.join(src, 'api', api, kind)));
  add(
    'controllers',
    "Quorum does not run custom controllers (every type answers Strapi's core routes)",
    apiCode('controllers').filter(isCustomized).map(relative),
  );
  add(
    'services',
    'Quorum does not run custom services',
    apiCode('services').filter(isCustomized).map(relative),
  );
  add(
    'routes',
    'Quorum does not serve custom routes or route configuration (policies, middlewares, auth)',
    apiCode('routes').filter(isCustomized).map(relative),
  );
  add(
    'policies',
    'Quorum does not run policies (access is decided by roles, permissions and their conditions)',
    [...codeFiles(path.join(src, 'policies')), ...apiCode('policies')].map(relative),
  );
  add(
    'middlewares',
    'Quorum does not run custom middlewares',
    [...codeFiles(path.join(src, 'middlewares')), ...apiCode('middlewares')].map(relative),
  );
  add(
    'plugins',
    'Quorum does not read config/plugins (users-permissions, upload and email are configured in quorum.config.json; other plugins are not run)',
    ['js', 'ts', 'mjs', 'cjs', 'json']
      .map((ext) => path.join(appDir, 'config', `plugins.${ext}`))
      .filter((file) => existsSync(file) && !isEmptyPluginsFile(file))
      .map(relative),
  );

  // Options of the schema files that Quorum accepts and does not act on, one warning per option.
  const uses = new Map<string, string[]>();
  for (const file of schemaFiles) {
    if (file.path.startsWith('quorum:')) continue; // Quorum's own definitions
    for (const use of checkSchemaDefinition(file.path, file.modelType, file.definition).unimplemented) {
      const list = uses.get(use.option) ?? [];
      list.push(use.where);
      uses.set(use.option, list);
    }
  }
  for (const [option, where] of [...uses].sort(([a], [b]) => a.localeCompare(b)))
    add(`option:${option}`, `Quorum accepts and ignores the schema option "${option}"`, where);
  return parts;
}

/** Logs one warning per part, each naming its files and the README section that says what to do. */
export function warnAboutStrapiPartsNotRun(
  appDir: string,
  schemaFiles: readonly SchemaFile[],
  logger: Logger,
): void {
  for (const { part, message, files } of strapiPartsNotRun(appDir, schemaFiles)) {
    const named =
      files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
    logger.warn({ part, files, see: NOT_RUN_SECTION }, `${message}: ${named}. See ${NOT_RUN_SECTION}`);
  }
}

function subdirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => !entry.startsWith('.') && statSync(path.join(dir, entry)).isDirectory())
    .sort();
}

/** Code files in `dir` and, unless `depth` is 0, its subfolders. */
function codeFiles(dir: string, { depth = 4 } = {}): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (entry.startsWith('.')) return [];
      if (statSync(full).isDirectory()) return depth > 0 ? codeFiles(full, { depth: depth - 1 }) : [];
      return CODE_FILE.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
    });
}

const isLifecycles = (file: string) => /^lifecycles\.(js|ts|mjs|cjs)$/.test(path.basename(file));

/** The code of a file without comments, `'use strict'`, imports and requires, whitespace collapsed. */
function essence(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/^\s*['"]use strict['"];?\s*$/gm, '')
    .replace(/^\s*import\s[^;]*;?\s*$/gm, '')
    .replace(/^.*\brequire\(.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const EXPORT = String.raw`(?:export default|module\.exports ?=)`;

/**
 * A file that only creates Strapi's core controller, service or router of a uid (what
 * `strapi generate` writes) does what Quorum does anyway; one with a second argument customizes it.
 */
function isCustomized(file: string): boolean {
  const core = new RegExp(
    String.raw`^${EXPORT} (?:factories\.)?createCore(?:Controller|Service|Router)\( ?(['"\x60])[^'"\x60]+\1 ?\);?$`,
  );
  return !core.test(essence(file));
}

/** `src/index` as a new project has it: register and bootstrap with empty bodies. */
function isEmptyEntryFile(file: string): boolean {
  const rest = essence(file)
    .replace(/(?:async )?(?:register|bootstrap|destroy) ?\([^)]*\) ?\{ ?\},?/g, '')
    .replace(/\s+/g, ' ');
  return new RegExp(String.raw`^${EXPORT} \{ ?\};?$`).test(rest);
}

/** `config/plugins` as a new project has it: a function (or object) returning no plugin settings. */
function isEmptyPluginsFile(file: string): boolean {
  const code = essence(file);
  if (file.endsWith('.json')) return /^\{ ?\}$/.test(code);
  return new RegExp(String.raw`^${EXPORT} (?:\([^)]*\) ?=> ?)?\(? ?\{ ?\} ?\)?;?$`).test(code);
}
