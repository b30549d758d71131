import type { CodeOf, ErrorCode } from './error-codes.js';

/**
 * The error classes: every error a client can cause is one of these, with Strapi's name and status and
 * a stable code from the registry (error-codes.ts); a class's constructor accepts only the codes
 * registered with its name and status. The HTTP layer turns them into
 * `{ data: null, error: { status, name, message, details } }` with the code in a header; anything else
 * is an internal error and reaches the client only as a generic 500.
 */
export type ErrorDetails = Record<string, unknown>;

/**
 * `Name` and `Status` are the subclass's: its constructor takes only codes registered with them, and
 * without one the class's `defaultCode`.
 */
export abstract class ApplicationError<
  Name extends string = string,
  Status extends number | '4xx' = number | '4xx',
> extends Error {
  abstract readonly status: number;
  readonly details: ErrorDetails;
  readonly code: ErrorCode;
  constructor(message: string, details?: ErrorDetails, code?: CodeOf<Name, Status>) {
    super(message);
    this.details = details ?? {};
    // Static, so it is there while this constructor runs (subclass fields are not yet).
    this.code = code ?? (new.target as unknown as { defaultCode: ErrorCode }).defaultCode;
  }
}

export class ValidationError extends ApplicationError<'ValidationError', 400> {
  static readonly defaultCode = 'QUORUM_VALIDATION_FAILED';
  override readonly name = 'ValidationError';
  readonly status = 400;
}

export class PaginationError extends ApplicationError<'PaginationError', 400> {
  static readonly defaultCode = 'QUORUM_INVALID_PAGINATION';
  override readonly name = 'PaginationError';
  readonly status = 400;
}

/** Strapi's generic 400, whose name is `ApplicationError`. */
export class BadRequestError extends ApplicationError<'ApplicationError', 400> {
  static readonly defaultCode = 'QUORUM_REQUEST_REFUSED';
  override readonly name = 'ApplicationError';
  readonly status = 400;
}

export class UnauthorizedError extends ApplicationError<'UnauthorizedError', 401> {
  static readonly defaultCode = 'QUORUM_UNAUTHORIZED';
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  constructor(
    message = 'Missing or invalid credentials',
    details?: ErrorDetails,
    code?: CodeOf<'UnauthorizedError', 401>,
  ) {
    super(message, details, code);
  }
}

export class ForbiddenError extends ApplicationError<'ForbiddenError', 403> {
  static readonly defaultCode = 'QUORUM_FORBIDDEN';
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  constructor(message = 'Forbidden', details?: ErrorDetails, code?: CodeOf<'ForbiddenError', 403>) {
    super(message, details, code);
  }
}

export class NotFoundError extends ApplicationError<'NotFoundError', 404> {
  static readonly defaultCode = 'QUORUM_NOT_FOUND';
  override readonly name = 'NotFoundError';
  readonly status = 404;
  constructor(message = 'Not Found', details?: ErrorDetails, code?: CodeOf<'NotFoundError', 404>) {
    super(message, details, code);
  }
}

export class MethodNotAllowedError extends ApplicationError<'MethodNotAllowedError', 405> {
  static readonly defaultCode = 'QUORUM_METHOD_NOT_ALLOWED';
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

export class ConflictError extends ApplicationError<'ConflictError', 409> {
  static readonly defaultCode = 'QUORUM_CONFLICT';
  override readonly name = 'ConflictError';
  readonly status = 409;
}

export class PayloadTooLargeError extends ApplicationError<'PayloadTooLargeError', 413> {
  static readonly defaultCode = 'QUORUM_PAYLOAD_TOO_LARGE';
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends ApplicationError<'UnsupportedMediaTypeError', 415> {
  static readonly defaultCode = 'QUORUM_UNSUPPORTED_MEDIA_TYPE';
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
}

/**
 * A 429 that knows when the client may try again: the HTTP layer turns `retryAfterMs` into a
 * Retry-After header (http/security/index.ts); the body keeps Strapi's error shape.
 */
export class RateLimitError extends ApplicationError<'RateLimitError', 429> {
  static readonly defaultCode = 'QUORUM_RATE_LIMITED';
  override readonly name = 'RateLimitError';
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    code?: CodeOf<'RateLimitError', 429>,
  ) {
    super(message, undefined, code);
  }

  /** Whole seconds for Retry-After, never 0 (a client retrying at once would only be refused again). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}

export class ServiceUnavailableError extends ApplicationError<'ServiceUnavailableError', 503> {
  static readonly defaultCode = 'QUORUM_SERVICE_UNAVAILABLE';
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

/**
 * A statement ran past the time limit (`database.statementTimeoutMs`) and the database stopped it: the
 * node is fine, this request was too costly (or the database too busy) to answer in time.
 */
export function statementTimeoutError(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'The request took too long to run and was stopped: narrow it (filters, populate, page size) or try again later',
    { reason: 'statement-timeout' },
    'QUORUM_STATEMENT_TIMEOUT',
  );
}

/**
 * 400 "Invalid key X" as Strapi's validators throw it, for query parameters and bodies alike. `path` is
 * where the key was found, as Strapi names it (validate/utils.ts `throwInvalidKey`): the message says
 * "at <path>" unless the path is the key itself. For a top-level query key Strapi does not know, `param`
 * is that key.
 */
export function invalidKey(
  key: string,
  where: { source: 'query'; param: string; path?: string } | { source: 'body'; path?: string },
): ValidationError {
  const message =
    where.path && where.path !== key ? `Invalid key ${key} at ${where.path}` : `Invalid key ${key}`;
  // Keys in Strapi's order: the validator's `{ key, path }`, then the `source` and `param` it adds.
  const { path, ...rest } = where;
  return new ValidationError(message, { key, path: path ?? null, ...rest }, 'QUORUM_INVALID_KEY');
}

/** 400 for a write whose body has no `data` object, in Strapi's words. */
export function missingData(): ValidationError {
  return new ValidationError('Missing "data" payload in the request body', undefined, 'QUORUM_MISSING_DATA');
}

/** 400 for a query parameter of the wrong form or value (`details.param` names it). */
export function invalidQuery(message: string, details: ErrorDetails): ValidationError {
  return new ValidationError(message, details, 'QUORUM_INVALID_QUERY');
}

/**
 * 400 for a query parameter of the wrong form or value that Strapi 5.54 reports with its message alone
 * (`details: {}`, measured): `status`, pagination values, `hasPublishedVersion`, the shape of `filters`
 * and `fields`.
 */
export function queryError(message: string): ValidationError {
  return new ValidationError(message, {}, 'QUORUM_INVALID_QUERY');
}

/** 400 for a read over one of the query cost limits (`details` names the limit and its value). */
export function queryTooCostly(message: string, details: ErrorDetails): ValidationError {
  return new ValidationError(message, details, 'QUORUM_QUERY_TOO_COSTLY');
}

/** One entry of a body-validation error, as Strapi's yup formatter reports it. */
export interface FieldError {
  path: (string | number)[];
  message: string;
  name: 'ValidationError';
  /** The refused value, where Strapi names it (unique values). */
  value?: unknown;
}

export function validationErrors(
  errors: FieldError[],
  code: CodeOf<'ValidationError', 400> = 'QUORUM_INVALID_FIELDS',
): ValidationError {
  const message = errors.length === 1 ? errors[0].message : `${errors.length} errors occurred`;
  return new ValidationError(message, { errors }, code);
}
