import { usersPermissionsSchemas } from '../auth/users-permissions/schemas.js';
import { loadSchemaFiles, type SchemaFile } from '../core/schema/load-files.js';
import { mediaSchemas } from '../media/schema.js';

/** Quorum's own types (users, roles, permissions, media files), which every app has. */
export function builtInSchemaFiles(appDir: string): SchemaFile[] {
  return [...usersPermissionsSchemas(appDir), ...mediaSchemas()];
}

/** Every definition a node syncs: the app directory's files and Quorum's built-in types. */
export function appSchemaFiles(appDir: string): SchemaFile[] {
  return [...loadSchemaFiles(appDir), ...builtInSchemaFiles(appDir)];
}
