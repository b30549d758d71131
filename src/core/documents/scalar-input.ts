import { STRING_TYPES } from '../schema/attribute-types.js';
import type { ScalarAttribute } from '../schema/model.js';
import {
  Invalid,
  UID_RE,
  isEmail,
  MAX_JSON_DEPTH,
  unstorableJson,
  isStorableText,
  parseBigInteger,
  parseBoolean,
  parseDate,
  parseDateTime,
  parseFloatValue,
  parseInteger,
  parseTime,
} from '../values.js';

const UNSTORABLE = 'must be valid Unicode text without NUL characters';

/**
 * The bound of a `string`, `email` or `uid` attribute that sets no maxLength: Strapi stores them as
 * varchar(255) (and PostgreSQL refuses longer values there, with a 500). Quorum's columns are text, so
 * without this a single value could be as large as the body limit. `text` and `richtext` are longtext
 * in Strapi: bounded only by the body limit here too.
 */
export const DEFAULT_STRING_MAX = 255;
const DEFAULT_MAX_LENGTH: Partial<Record<string, number>> = {
  string: DEFAULT_STRING_MAX,
  email: DEFAULT_STRING_MAX,
  uid: DEFAULT_STRING_MAX,
};

/**
 * Validates one scalar value from a request body and returns its normalized form, or the message a
 * client sees (yup-style, as Strapi words them: "<name> must be …"). `null` is handled by the caller.
 */
export function validateScalar(
  attribute: ScalarAttribute,
  value: unknown,
  options: { draft?: boolean } = {},
): { value: unknown } | { message: string; refused?: unknown } {
  const name = attribute.name;
  const fail = (message: string) => ({ message: `${name} ${message}` });
  const type = attribute.type;

  if (STRING_TYPES.has(type)) {
    if (typeof value !== 'string') return fail('must be a `string` type');
    if (!isStorableText(value)) return fail(UNSTORABLE);
    const maxLength = attribute.maxLength ?? DEFAULT_MAX_LENGTH[type];
    const length = [...value].length;
    // As in Strapi v5, drafts may be shorter than minLength; publishing enforces it (checkPublishable).
    if (
      attribute.minLength !== undefined &&
      !options.draft &&
      length < attribute.minLength &&
      !(value === '' && !attribute.required)
    ) {
      return fail(`must be at least ${attribute.minLength} characters`);
    }
    if (maxLength !== undefined && length > maxLength) return fail(`must be at most ${maxLength} characters`);
    // Strapi's email validator refuses the empty string (`.email().min(1, '${path} cannot be empty')`).
    if (type === 'email' && value === '') return fail('cannot be empty');
    if (type === 'email' && !isEmail(value)) return fail('must be a valid email');
    // Strapi's uid check names the refused value (recorded: strapi-5.54-i18n/answers/uid-slug-invalid.json).
    if (type === 'uid' && !UID_RE.test(value))
      return { ...fail(`must match the following: "${UID_RE}"`), refused: value };
    if (type === 'enumeration' && !attribute.enum!.includes(value))
      return fail(`must be one of the following values: ${attribute.enum!.join(', ')}`);
    if (attribute.regex && value !== '' && !attribute.regex.test(value))
      return fail(`must match the following: "${attribute.regex}"`);
    return { value };
  }
  switch (type) {
    case 'integer':
    case 'biginteger':
    case 'float':
    case 'decimal': {
      if (typeof value !== 'number' && typeof value !== 'string') return fail('must be a `number` type');
      const parsed =
        type === 'integer'
          ? parseInteger(value)
          : type === 'biginteger'
            ? parseBigInteger(value)
            : parseFloatValue(value);
      if (parsed instanceof Invalid) return fail(`must be ${parsed.expected}`);
      const numeric = Number(parsed);
      if (attribute.min !== undefined && numeric < attribute.min)
        return fail(`must be greater than or equal to ${attribute.min}`);
      if (attribute.max !== undefined && numeric > attribute.max)
        return fail(`must be less than or equal to ${attribute.max}`);
      return { value: parsed };
    }
    case 'boolean': {
      const parsed = parseBoolean(value);
      return parsed instanceof Invalid ? fail('must be a `boolean` type') : { value: parsed };
    }
    case 'date':
    case 'time':
    case 'datetime':
    case 'timestamp': {
      const parsed =
        type === 'date' ? parseDate(value) : type === 'time' ? parseTime(value) : parseDateTime(value);
      return parsed instanceof Invalid ? fail(`must be ${parsed.expected}`) : { value: parsed };
    }
    case 'blocks':
      if (
        !Array.isArray(value) ||
        !value.every(
          (node) =>
            typeof node === 'object' &&
            node !== null &&
            typeof (node as { type?: unknown }).type === 'string',
        )
      ) {
        return fail('must be an array of blocks, each an object with a "type"');
      }
      return storableJson(value, fail);
    case 'json':
      return storableJson(value, fail);
    default:
      return fail(`has an unsupported type ${type}`);
  }
}

function storableJson(
  value: unknown,
  fail: (message: string) => { message: string },
): { value: unknown } | { message: string; refused?: unknown } {
  const problem = unstorableJson(value);
  if (problem === 'text') return fail(UNSTORABLE);
  if (problem === 'depth') return fail(`must not be nested more than ${MAX_JSON_DEPTH} levels deep`);
  return { value };
}
