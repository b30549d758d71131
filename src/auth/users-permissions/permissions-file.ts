import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config/index.js';
import { ApplicationError } from '../../core/errors.js';
import type { Schema } from '../../core/schema/registry.js';
import { CONTENT_ACTIONS, UP, UPLOAD_ACTIONS } from './actions.js';
import { checkConditions } from './conditions.js';

export const PERMISSIONS_FILE = path.join('config', 'permissions.json');

const grant = z.union([
  z.string().min(1),
  z.strictObject({ action: z.string().min(1), conditions: z.record(z.string(), z.unknown()).optional() }),
]);

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  roles: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'role keys are role types: lowercase letters, digits, - and _'),
    z.strictObject({
      name: z.string().min(3).optional(),
      description: z.string().optional(),
      permissions: z.array(grant),
    }),
  ),
});

export interface DeclaredRole {
  readonly type: string;
  readonly name?: string;
  readonly description?: string;
  readonly grants: readonly { action: string; conditions?: Record<string, unknown> }[];
}

/**
 * Reads `config/permissions.json`: roles keyed by type, each with the full list of its grants. Every
 * action must exist (a content action of a known type, a Users & Permissions or an upload action), and every
 * condition must be a valid filter for its type — mistakes stop the start with a message naming them.
 */
export function readPermissionsFile(appDir: string, schema: Schema): DeclaredRole[] | undefined {
  const file = path.join(appDir, PERMISSIONS_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${PERMISSIONS_FILE} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new ConfigError(`${PERMISSIONS_FILE} is invalid:\n${issues}`);
  }
  return Object.entries(parsed.data.roles).map(([type, role]) => ({
    type,
    name: role.name,
    description: role.description,
    grants: role.permissions.map((g, i) => {
      const entry = typeof g === 'string' ? { action: g } : g;
      checkGrant(schema, entry, `${PERMISSIONS_FILE}: roles.${type}.permissions[${i}]`);
      return entry;
    }),
  }));
}

function checkGrant(
  schema: Schema,
  grant: { action: string; conditions?: Record<string, unknown> },
  where: string,
): void {
  const { action } = grant;
  if (action.startsWith(`${UP}.`) || (Object.values(UPLOAD_ACTIONS) as string[]).includes(action)) {
    if (grant.conditions) throw new ConfigError(`${where}: conditions apply to content actions only`);
    return;
  }
  const dot = action.lastIndexOf('.');
  const uid = action.slice(0, dot);
  const verb = action.slice(dot + 1);
  const type = schema.contentTypes.get(uid);
  if (!type || !(CONTENT_ACTIONS as readonly string[]).includes(verb)) {
    throw new ConfigError(
      `${where}: unknown action "${action}" (expected <content-type uid>.<${CONTENT_ACTIONS.join('|')}>, a ${UP} action or a plugin::upload.content-api action)`,
    );
  }
  if (grant.conditions) {
    try {
      checkConditions(schema, type, grant.conditions);
    } catch (err) {
      const message = err instanceof ApplicationError ? err.message : String(err);
      throw new ConfigError(`${where}: invalid conditions for ${action}: ${message}`);
    }
  }
}
