import { onUniqueViolation } from '../../db/errors.js';
import { dbErrorAnswer } from '../db-answers.js';
import { validationErrors } from '../errors.js';
import type { ContentType } from '../schema/model.js';

/**
 * Runs a write and turns database errors a client can cause into 4xx: a unique index that fired
 * (a concurrent write won the race the pre-check lost), a value too large for an index, a value out
 * of the column's range. An unreachable database is a 503, never a 500.
 */
export async function withDbErrors<T>(type: ContentType, write: () => Promise<T>): Promise<T> {
  try {
    return await onUniqueViolation(write, (err) => {
      const attribute = attributeFor(type, err.constraint);
      const message = 'This attribute must be unique';
      return validationErrors(
        [{ path: attribute ? [attribute] : [], message, name: 'ValidationError' }],
        'QUORUM_NOT_UNIQUE',
      );
    });
  } catch (err) {
    throw dbErrorAnswer(err, 'write') ?? err;
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
