import { usersPermissionsSchemas } from '../auth/users-permissions/schemas.js';
import { loadSchemaFiles, type SchemaFile } from '../core/schema/load-files.js';

/** Every definition a node syncs: the app directory's files and Quorum's built-in types. */
export function appSchemaFiles(appDir: string): SchemaFile[] {
  return [...loadSchemaFiles(appDir), ...usersPermissionsSchemas(appDir)];
}
