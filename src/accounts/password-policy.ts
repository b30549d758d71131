import { ValidationError } from '../core/errors.js';

export const PASSWORD_MIN_LENGTH = 8;
// Long enough for any passphrase; bounded so hashing cost stays bounded.
export const PASSWORD_MAX_LENGTH = 256;

/** Why an admin password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (!/\p{L}/u.test(password)) return 'password must contain at least one letter';
  if (!/\p{Nd}/u.test(password)) return 'password must contain at least one digit';
  return undefined;
}

export function checkPassword(password: string, path = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) {
    throw new ValidationError(problem, {
      errors: [{ path: [path], message: problem, name: 'ValidationError' }],
    });
  }
}
