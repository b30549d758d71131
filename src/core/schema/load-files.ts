import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SchemaError } from './errors.js';
import type { SchemaDefinition } from './model.js';
import { checkSchemaDefinition, throwIfInvalid } from './validate-files.js';

export interface SchemaFile {
  readonly uid: string;
  readonly modelType: 'contentType' | 'component';
  /** Path relative to the app directory, as shown in messages. */
  readonly path: string;
  readonly definition: SchemaDefinition;
}

/**
 * Reads the Strapi project layout: `src/api/<api>/content-types/<name>/schema.json` and
 * `src/components/<category>/<name>.json`, each checked strictly (validate-files.ts: one error lists
 * every problem of every file). The project's code (routes, controllers, services, lifecycles) is not
 * run; a node names what it leaves out when it starts (node/strapi-project-warnings.ts).
 */
export function loadSchemaFiles(appDir: string): SchemaFile[] {
  const files: SchemaFile[] = [];
  const apiDir = path.join(appDir, 'src', 'api');
  for (const api of subdirectories(apiDir)) {
    const typesDir = path.join(apiDir, api, 'content-types');
    for (const name of subdirectories(typesDir)) {
      const file = path.join(typesDir, name, 'schema.json');
      if (!existsSync(file)) continue;
      files.push({ uid: `api::${api}.${name}`, modelType: 'contentType', ...readJson(appDir, file) });
    }
  }
  const componentsDir = path.join(appDir, 'src', 'components');
  for (const category of subdirectories(componentsDir)) {
    for (const entry of readdirSync(path.join(componentsDir, category)).sort()) {
      if (!entry.endsWith('.json')) continue;
      const file = path.join(componentsDir, category, entry);
      files.push({
        uid: `${category}.${entry.slice(0, -'.json'.length)}`,
        modelType: 'component',
        ...readJson(appDir, file),
      });
    }
  }
  throwIfInvalid(files.map((file) => checkSchemaDefinition(file.path, file.modelType, file.definition)));
  return files;
}

function subdirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => !entry.startsWith('.') && statSync(path.join(dir, entry)).isDirectory())
    .sort();
}

function readJson(appDir: string, file: string): { path: string; definition: SchemaDefinition } {
  const relative = path.relative(appDir, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SchemaError(`${relative}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SchemaError(`${relative}: must contain a JSON object`);
  }
  return { path: relative, definition: parsed as SchemaDefinition };
}
