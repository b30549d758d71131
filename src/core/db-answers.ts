import { DbError } from '../db/errors.js';
import {
  type ApplicationError,
  ServiceUnavailableError,
  ValidationError,
  statementTimeoutError,
} from './errors.js';

const REFUSED_IN_REQUEST = 'A value in the request cannot be used by the database';

/**
 * What a client is told when the database refused or could not run a statement of its request (the
 * executor already made a DbError of the driver's error). `during: 'write'` is a document write,
 * whose messages say what was wrong with the stored value. Undefined for kinds that mean a bug or a
 * conflict the caller handles itself (unique: see onUniqueViolation): those stay internal errors.
 */
export function dbErrorAnswer(err: unknown, during: 'write' | 'request'): ApplicationError | undefined {
  if (!(err instanceof DbError)) return undefined;
  switch (err.kind) {
    case 'unavailable':
      return new ServiceUnavailableError(
        'The database is unavailable, try again later',
        undefined,
        'QUORUM_DATABASE_UNAVAILABLE',
      );
    case 'timeout':
      return statementTimeoutError();
    case 'value_too_large':
      return valueRefused(during === 'write' ? 'A value is too large to be stored' : REFUSED_IN_REQUEST);
    case 'invalid_value':
      return valueRefused(
        during === 'write' ? 'A value is out of range for its attribute' : REFUSED_IN_REQUEST,
      );
    default:
      return undefined;
  }
}

function valueRefused(message: string): ValidationError {
  return new ValidationError(message, undefined, 'QUORUM_VALUE_REFUSED');
}
