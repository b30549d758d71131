import {
  AUTH_ACTIONS,
  CONTENT_ACTIONS,
  I18N_ACTIONS,
  ROLE_ACTIONS,
  UPLOAD_ACTIONS,
  USER_ACTIONS,
} from '../auth/users-permissions/actions.js';
import { checkConditions } from '../auth/users-permissions/conditions.js';
import { ApplicationError, ValidationError, type FieldError } from '../core/errors.js';
import { isPlainObject } from '../core/query/raw.js';
import type { Schema } from '../core/schema/registry.js';

/**
 * Content-API actions — what end-user roles and custom API tokens are granted: a content action of a
 * type (`api::article.article.find`), a Users & Permissions route (`plugin::users-permissions.user.me`) or
 * a media-library route (`plugin::upload.content-api.upload`).
 */
const UP_ACTIONS: readonly string[] = [
  ...Object.values(AUTH_ACTIONS),
  ...Object.values(USER_ACTIONS),
  ...Object.values(ROLE_ACTIONS),
  ...Object.values(UPLOAD_ACTIONS),
  ...Object.values(I18N_ACTIONS),
];

/** The content types served by the generic content routes (plugin types — users, files — have their own routes). */
function servedTypes(schema: Schema) {
  return [...schema.contentTypes.values()]
    .filter((type) => !type.uid.startsWith('plugin::'))
    .sort((a, b) => a.uid.localeCompare(b.uid));
}

/** Every content-API action, in catalogue order: each type's routes, then the U&P routes. */
export function contentApiActions(schema: Schema): string[] {
  const actions: string[] = [];
  for (const type of servedTypes(schema)) {
    const verbs = type.kind === 'singleType' ? ['find', 'update', 'delete'] : CONTENT_ACTIONS;
    for (const verb of verbs) actions.push(`${type.uid}.${verb}`);
  }
  return [...actions, ...UP_ACTIONS];
}

/** The type of a content action, or undefined for U&P actions and unknown names. */
function contentTypeOf(schema: Schema, action: string) {
  const dot = action.lastIndexOf('.');
  const type = schema.contentTypes.get(action.slice(0, dot));
  const verb = action.slice(dot + 1);
  if (!type || type.uid.startsWith('plugin::') || !(CONTENT_ACTIONS as readonly string[]).includes(verb))
    return undefined;
  return type;
}

export function isContentApiAction(schema: Schema, action: string): boolean {
  return UP_ACTIONS.includes(action) || contentTypeOf(schema, action) !== undefined;
}

/**
 * The problems of one grant, for a body-validation error: the action must exist, and conditions (a
 * filters object with `$user.*` variables) apply to content actions only and must be valid filters.
 */
export function grantProblems(
  schema: Schema,
  grant: { action: string; conditions?: Record<string, unknown> | null },
  path: (string | number)[],
): FieldError[] {
  const fail = (key: string, message: string): FieldError[] => [
    { path: [...path, key], message, name: 'ValidationError' },
  ];
  if (!isContentApiAction(schema, grant.action)) return fail('action', `Unknown action "${grant.action}"`);
  if (!grant.conditions || Object.keys(grant.conditions).length === 0) return [];
  const type = contentTypeOf(schema, grant.action);
  if (!type) return fail('conditions', 'Conditions apply to content actions only');
  try {
    checkConditions(schema, type, grant.conditions);
  } catch (err) {
    if (err instanceof ApplicationError) return fail('conditions', `Invalid conditions: ${err.message}`);
    throw err;
  }
  return [];
}

/** Strapi's nested permissions object: `{ "api::article": { controllers: { article: { find: { enabled, policy } } } } }`. */
export type ActionTree = Record<
  string,
  { controllers: Record<string, Record<string, { enabled: boolean; policy: string }>> }
>;

/** Splits `api::article.article.find` into the tree's keys: `api::article`, `article`, `find`. */
function treePath(action: string): [string, string, string] {
  const last = action.lastIndexOf('.');
  const middle = action.lastIndexOf('.', last - 1);
  return [action.slice(0, middle), action.slice(middle + 1, last), action.slice(last + 1)];
}

/** The catalogue in Strapi's shape, each action enabled when `enabled` says so. */
export function actionTree(schema: Schema, enabled: (action: string) => boolean): ActionTree {
  const tree: ActionTree = {};
  for (const action of contentApiActions(schema)) {
    const [typeName, controller, name] = treePath(action);
    const controllers = (tree[typeName] ??= { controllers: {} }).controllers;
    (controllers[controller] ??= {})[name] = { enabled: enabled(action), policy: '' };
  }
  return tree;
}

/** The enabled actions of a Strapi permissions object, each checked; malformed input is a 400. */
export function enabledActions(schema: Schema, tree: unknown): string[] {
  const malformed = (where: string) =>
    new ValidationError(`permissions${where} must be an object`, {
      errors: [
        { path: ['permissions'], message: `permissions${where} must be an object`, name: 'ValidationError' },
      ],
    });
  if (!isPlainObject(tree)) throw malformed('');
  const actions: string[] = [];
  const errors: FieldError[] = [];
  for (const [typeName, entry] of Object.entries(tree)) {
    if (!isPlainObject(entry)) throw malformed(`.${typeName}`);
    if (entry.controllers === undefined) continue;
    if (!isPlainObject(entry.controllers)) throw malformed(`.${typeName}.controllers`);
    for (const [controller, verbs] of Object.entries(entry.controllers)) {
      if (!isPlainObject(verbs)) throw malformed(`.${typeName}.controllers.${controller}`);
      for (const [verb, setting] of Object.entries(verbs)) {
        if (!isPlainObject(setting)) throw malformed(`.${typeName}.controllers.${controller}.${verb}`);
        if (setting.enabled !== true) continue;
        const action = `${typeName}.${controller}.${verb}`;
        if (isContentApiAction(schema, action)) actions.push(action);
        else
          errors.push({
            path: ['permissions', typeName, 'controllers', controller, verb],
            message: `Unknown action "${action}"`,
            name: 'ValidationError',
          });
      }
    }
  }
  if (errors.length)
    throw new ValidationError(errors.length === 1 ? errors[0].message : `${errors.length} errors occurred`, {
      errors,
    });
  return [...new Set(actions)];
}
