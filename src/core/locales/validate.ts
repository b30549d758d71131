import { ValidationError } from '../errors.js';
import { ISO_LOCALES } from './iso-locales.js';

/**
 * The bodies of the admin locale routes, checked as Strapi's i18n checks them (validation/locales.js:
 * no unknown keys, `code` one of the ISO list, case-sensitive; `name` 1–50 characters; `isDefault`
 * required on create), with Strapi's messages (recorded answers admin-locales-create-*.json,
 * admin-locales-update-*.json).
 */
const ISO_CODES = new Set(ISO_LOCALES.map((locale) => locale.code));
const ONE_OF = `code must be one of the following values: ${ISO_LOCALES.map((l) => l.code).join(', ')}`;

export function isIsoLocale(code: string): boolean {
  return ISO_CODES.has(code);
}

interface Problem {
  path: string[];
  message: string;
  name: 'ValidationError';
  value?: unknown;
}

export function parseCreateLocale(body: unknown): { code: string; name: string | null; isDefault: boolean } {
  const object = bodyObject(body);
  const problems = unknownKeys(object, ['code', 'name', 'isDefault']);
  const { code, name, isDefault } = object;
  if (code === undefined || code === null) problems.push(required('code'));
  else if (typeof code !== 'string' || !ISO_CODES.has(code))
    problems.push({ path: ['code'], message: ONE_OF, name: 'ValidationError', value: code });
  problems.push(...nameProblems(name));
  if (isDefault === undefined || isDefault === null) problems.push(required('isDefault'));
  else if (typeof isDefault !== 'boolean') problems.push(notBoolean(isDefault));
  fail(problems);
  return {
    code: code as string,
    name: (name as string | undefined) ?? null,
    isDefault: isDefault as boolean,
  };
}

export function parseUpdateLocale(body: unknown): { name?: string; isDefault?: boolean } {
  const object = bodyObject(body);
  const problems = unknownKeys(object, ['name', 'isDefault']);
  const { name, isDefault } = object;
  problems.push(...nameProblems(name));
  if (isDefault !== undefined && isDefault !== null && typeof isDefault !== 'boolean')
    problems.push(notBoolean(isDefault));
  fail(problems);
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof isDefault === 'boolean' ? { isDefault } : {}),
  };
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('The request body must be a JSON object', {
      errors: [{ path: [], message: 'The request body must be a JSON object', name: 'ValidationError' }],
    });
  return body as Record<string, unknown>;
}

function unknownKeys(object: Record<string, unknown>, known: readonly string[]): Problem[] {
  const extra = Object.keys(object).filter((key) => !known.includes(key));
  if (extra.length === 0) return [];
  const message = `this field has unspecified keys: ${extra.join(', ')}`;
  return [{ path: [], message, name: 'ValidationError', value: object }];
}

function nameProblems(name: unknown): Problem[] {
  if (name === undefined || name === null) return [];
  if (typeof name !== 'string')
    return [
      { path: ['name'], message: 'name must be a `string` type', name: 'ValidationError', value: name },
    ];
  if (name.length < 1)
    return [
      { path: ['name'], message: 'name must be at least 1 characters', name: 'ValidationError', value: name },
    ];
  if (name.length > 50)
    return [
      { path: ['name'], message: 'name must be at most 50 characters', name: 'ValidationError', value: name },
    ];
  return [];
}

function required(key: string): Problem {
  return { path: [key], message: `${key} is a required field`, name: 'ValidationError' };
}

function notBoolean(value: unknown): Problem {
  return {
    path: ['isDefault'],
    message: 'isDefault must be a `boolean` type',
    name: 'ValidationError',
    value,
  };
}

function fail(problems: Problem[]): void {
  if (problems.length === 0) return;
  const message = problems.length === 1 ? problems[0].message : `${problems.length} errors occurred`;
  throw new ValidationError(message, { errors: problems }, 'QUORUM_INVALID_FIELDS');
}
