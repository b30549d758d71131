import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Schema } from './registry.js';

/**
 * Writes every type and component of a schema as Strapi-layout files under `outDir`
 * (src/api/<api>/content-types/<name>/schema.json, src/components/<category>/<name>.json), so types
 * created at runtime can be put under version control. Returns the written paths.
 */
export function exportSchema(schema: Schema, outDir: string): string[] {
  const written: string[] = [];
  const write = (file: string, definition: unknown) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(definition, null, 2) + '\n');
    written.push(file);
  };
  for (const type of schema.contentTypes.values()) {
    // Quorum's own types (users, roles, permissions) are not the app's to export.
    if (type.uid.startsWith('plugin::') || type.uid.startsWith('admin::')) continue;
    const match = /^api::([^.]+)\.(.+)$/.exec(type.uid);
    const [api, name] = match ? [match[1], match[2]] : [type.singularName, type.singularName];
    write(path.join(outDir, 'src', 'api', api, 'content-types', name, 'schema.json'), type.definition);
  }
  for (const component of schema.components.values()) {
    const [category, name] = component.uid.split('.');
    write(path.join(outDir, 'src', 'components', category, `${name}.json`), component.definition);
  }
  return written;
}
