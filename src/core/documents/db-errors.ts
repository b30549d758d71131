import { DbError, translateDbError } from '../../db/errors.js';
import { ServiceUnavailableError, ValidationError, validationErrors } from '../errors.js';
import type { ContentType } from '../schema/model.js';

/**
 * Runs a write and turns database errors a client can cause into 4xx: a unique index that fired
 * (a concurrent write won the race the pre-check lost), a value too large for an index, a value out
 * of the column's range. An unreachable database is a 503, never a 500.
 */
export async function withDbErrors<T>(type: ContentType, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const translated = translateDbError(err);
    if (!(translated instanceof DbError)) throw err;
    switch (translated.kind) {
      case 'unique': {
        const attribute = attributeFor(type, translated.constraint);
        throw validationErrors([
          {
            path: attribute ? [attribute] : [],
            message: 'This attribute must be unique',
            name: 'ValidationError',
          },
        ]);
      }
      case 'value_too_large':
        throw new ValidationError('A value is too large to be stored');
      case 'invalid_value':
        throw new ValidationError('A value is out of range for its attribute');
      case 'unavailable':
        throw new ServiceUnavailableError('The database is unavailable, try again later');
      default:
        throw err;
    }
  }
}

// PostgreSQL names the index (table_column_uq_…); SQLite names "table.column".
function attributeFor(type: ContentType, constraint: string | undefined): string | undefined {
  if (!constraint) return undefined;
  for (const attribute of type.attributes.values()) {
    if (attribute.kind !== 'scalar') continue;
    if (
      constraint === `${type.tableName}.${attribute.column}` ||
      constraint.startsWith(`${type.tableName}_${attribute.column}_uq`)
    ) {
      return attribute.name;
    }
  }
  return undefined;
}
