/**
 * The error registry: every error a client can cause is one of these, with Strapi's name and status.
 * The HTTP layer turns them into `{ data: null, error: { status, name, message, details } }`; anything
 * else is an internal error and reaches the client only as a generic 500.
 */
export type ErrorDetails = Record<string, unknown>;

export abstract class ApplicationError extends Error {
  abstract readonly status: number;
  readonly details: ErrorDetails;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.details = details;
  }
}

export class ValidationError extends ApplicationError {
  override readonly name = 'ValidationError';
  readonly status = 400;
}

export class PaginationError extends ApplicationError {
  override readonly name = 'PaginationError';
  readonly status = 400;
}

export class BadRequestError extends ApplicationError {
  override readonly name = 'ApplicationError';
  readonly status = 400;
}

export class UnauthorizedError extends ApplicationError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  constructor(message = 'Missing or invalid credentials', details?: ErrorDetails) {
    super(message, details);
  }
}

export class ForbiddenError extends ApplicationError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  constructor(message = 'Forbidden', details?: ErrorDetails) {
    super(message, details);
  }
}

export class NotFoundError extends ApplicationError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  constructor(message = 'Not Found', details?: ErrorDetails) {
    super(message, details);
  }
}

export class MethodNotAllowedError extends ApplicationError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
  /** The methods the path does accept, for the Allow header. */
  constructor(
    message: string,
    readonly allow: readonly string[],
  ) {
    super(message);
  }
}

export class ConflictError extends ApplicationError {
  override readonly name = 'ConflictError';
  readonly status = 409;
}

export class PayloadTooLargeError extends ApplicationError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends ApplicationError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
}

export class RateLimitError extends ApplicationError {
  override readonly name = 'RateLimitError';
  readonly status = 429;
}

export class ServiceUnavailableError extends ApplicationError {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

/** 400 "Invalid key X" as Strapi's validators throw it, for query parameters and bodies alike. */
export function invalidKey(
  key: string,
  where:
    | { source: 'query'; param: 'filters' | 'sort' | 'fields' | 'populate'; path?: string }
    | { source: 'body'; path?: string },
): ValidationError {
  const message = where.path ? `Invalid key ${key} at ${where.path}` : `Invalid key ${key}`;
  return new ValidationError(message, { ...where, key, path: where.path ?? null });
}

/** One entry of a body-validation error, as Strapi's yup formatter reports it. */
export interface FieldError {
  path: (string | number)[];
  message: string;
  name: 'ValidationError';
}

export function validationErrors(errors: FieldError[]): ValidationError {
  const message = errors.length === 1 ? errors[0].message : `${errors.length} errors occurred`;
  return new ValidationError(message, { errors });
}
