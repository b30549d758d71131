import { SchemaError } from './errors.js';
import { RELATION_KINDS, type SchemaDefinition } from './model.js';

/**
 * Strict checking of Strapi schema files (content types and components), as the configuration is
 * checked: a key nobody knows (`maxLenght`), a type nobody knows, a value of the wrong kind
 * (`"required": "yes"`, `"maxLength": -1`) stops the start with a message naming the file, the attribute
 * and the key, where Strapi would ignore it without a word. The keys accepted are the ones Strapi 5
 * itself knows (strapi/strapi: packages/core/types/src/schema/attribute/definitions/*.ts and base.ts,
 * options.ts for the options every attribute shares, struct/schema.ts for the top level; the
 * content-type builder's checks of values in
 * packages/core/content-type-builder/server/src/controllers/validation/types.ts and relations.ts).
 * Keys Strapi knows but Quorum does not act on are accepted and reported once (`unimplemented`), so a
 * node can say so at start.
 */

/** One use of an option Quorum accepts but does not act on. */
export interface UnimplementedOption {
  /** The option, e.g. `conditions`, `pluginOptions.i18n`, `options.reviewWorkflows`. */
  readonly option: string;
  /** The file (or runtime type) and, for an attribute option, the attribute: `…/schema.json (title)`. */
  readonly where: string;
}

export interface SchemaFileCheck {
  /** Lines naming the file, the attribute and the key; empty when the definition is valid. */
  readonly problems: readonly string[];
  readonly unimplemented: readonly UnimplementedOption[];
}

type Json = Record<string, unknown>;
/** Returns what is wrong with a value ("must be true or false"), or undefined when it is fine. */
type Check = (value: unknown, spec: Json) => string | undefined;

interface KeySpec {
  readonly check: Check;
  /** Set for options Quorum accepts and does not act on: why, for the start-time warning. */
  readonly unimplemented?: true;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const anything: Check = () => undefined;
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const string: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const nonEmptyString: Check = (v) =>
  typeof v === 'string' && v !== '' ? undefined : 'must be a non-empty string';
const object: Check = (v) => (isObject(v) ? undefined : 'must be an object');
const stringArray: Check = (v) =>
  Array.isArray(v) && v.every((item) => typeof item === 'string') ? undefined : 'must be an array of strings';

/** Numbers may be written as strings ("min": "1"), as Strapi's own files sometimes have them. */
function numeric(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
const number: Check = (v) => (numeric(v) === undefined ? 'must be a number' : undefined);
const count: Check = (v) => {
  const n = numeric(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? undefined : 'must be an integer >= 0';
};
const integer: Check = (v) => {
  const n = numeric(v);
  return n !== undefined && Number.isInteger(n) ? undefined : 'must be an integer';
};
/** Strapi writes biginteger bounds and defaults as strings of digits (JSON numbers lose precision). */
const bigInteger: Check = (v) =>
  (typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v))
    ? undefined
    : 'must be an integer (a string of digits for big values)';
const regex: Check = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  try {
    new RegExp(v);
    return undefined;
  } catch {
    return 'is not a valid regular expression';
  }
};
const enumValues: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0 || !v.every((item) => typeof item === 'string'))
    return 'must be a non-empty array of strings';
  return new Set(v).size === v.length ? undefined : 'must not repeat a value';
};
const enumDefault: Check = (v, spec) =>
  typeof v === 'string' && (!Array.isArray(spec.enum) || spec.enum.includes(v))
    ? undefined
    : 'must be one of the values of "enum"';
const MEDIA_KINDS = ['images', 'videos', 'files', 'audios'];
const allowedTypes: Check = (v) => {
  const kinds = typeof v === 'string' ? [v] : v;
  return Array.isArray(kinds) && kinds.length > 0 && kinds.every((k) => MEDIA_KINDS.includes(k as string))
    ? undefined
    : `must be one of ${MEDIA_KINDS.join(', ')}, or an array of them`;
};
const RELATIONS: readonly string[] = RELATION_KINDS;
const relation: Check = (v) =>
  typeof v === 'string' && RELATIONS.includes(v)
    ? undefined
    : `must be one of ${RELATIONS.join(', ')}${typeof v === 'string' ? suggestion(v, RELATIONS) : ''}`;

const known = (check: Check): KeySpec => ({ check });
const notRun = (check: Check): KeySpec => ({ check, unimplemented: true });

/** What every attribute may carry (Strapi's base attribute and its shared options). */
const COMMON: Record<string, KeySpec> = {
  type: known(string),
  required: known(boolean),
  private: known(boolean),
  writable: known(boolean),
  // Only Strapi's content-type builder reads it (whether the attribute may be edited there); Quorum's
  // builder never edits types defined by files, so the rule holds as it is.
  configurable: known(boolean),
  searchable: known(boolean),
  pluginOptions: known(object),
  visible: notRun(boolean),
  conditions: notRun(object),
  column: notRun(object),
};

const LENGTHS = { minLength: known(count), maxLength: known(count) };
const STRING_DEFAULT = { default: known(string) };
const UNIQUE = { unique: known(boolean) };

/** The keys each attribute type takes besides COMMON. */
const BY_TYPE: Record<string, Record<string, KeySpec>> = {
  string: { ...STRING_DEFAULT, ...UNIQUE, ...LENGTHS, regex: known(regex) },
  text: { ...STRING_DEFAULT, ...UNIQUE, ...LENGTHS, regex: known(regex) },
  richtext: { ...STRING_DEFAULT, ...LENGTHS },
  email: { ...STRING_DEFAULT, ...UNIQUE, ...LENGTHS },
  password: { ...LENGTHS },
  // A uid is unique in Strapi whether it says so or not; files often say it.
  uid: { ...STRING_DEFAULT, ...UNIQUE, ...LENGTHS, targetField: known(string), options: notRun(object) },
  // Strapi's enumeration has no `unique`; Quorum enforces it on any scalar and its builder offers it.
  enumeration: {
    enum: known(enumValues),
    default: known(enumDefault),
    ...UNIQUE,
    enumName: notRun(string),
  },
  integer: { default: known(integer), ...UNIQUE, min: known(integer), max: known(integer) },
  biginteger: { default: known(bigInteger), ...UNIQUE, min: known(bigInteger), max: known(bigInteger) },
  float: { default: known(number), ...UNIQUE, min: known(number), max: known(number) },
  decimal: { default: known(number), ...UNIQUE, min: known(number), max: known(number) },
  date: { ...STRING_DEFAULT, ...UNIQUE },
  time: { ...STRING_DEFAULT, ...UNIQUE },
  datetime: { ...STRING_DEFAULT, ...UNIQUE },
  timestamp: { ...STRING_DEFAULT, ...UNIQUE },
  boolean: { default: known(boolean) },
  json: { default: known(anything) },
  blocks: {},
  media: { multiple: known(boolean), allowedTypes: known(allowedTypes) },
  relation: {
    relation: known(relation),
    target: known(nonEmptyString),
    inversedBy: known(nonEmptyString),
    mappedBy: known(nonEmptyString),
    morphBy: notRun(string),
    useJoinTable: notRun(boolean),
    joinTable: notRun(object),
    joinColumn: notRun(object),
    morphColumn: notRun(object),
  },
  component: {
    component: known(nonEmptyString),
    repeatable: known(boolean),
    min: known(count),
    max: known(count),
  },
  dynamiczone: { components: known(stringArray), min: known(count), max: known(count) },
  // The stored value is whatever the field's plugin produces (Quorum keeps it as JSON); the options
  // of the underlying type may come along.
  customField: {
    customField: known(nonEmptyString),
    options: known(object),
    default: known(anything),
    ...UNIQUE,
    ...LENGTHS,
    min: known(number),
    max: known(number),
    regex: known(regex),
  },
};

/** Keys an attribute type cannot do without (the type itself aside). */
const REQUIRED_BY_TYPE: Record<string, readonly string[]> = {
  enumeration: ['enum'],
  component: ['component'],
  dynamiczone: ['components'],
  relation: ['relation'],
  customField: ['customField'],
};

const INFO_KEYS = { displayName: known(string), description: known(string), icon: known(string) };
const OPTIONS_KEYS = {
  comment: known(string),
  // Deprecated in Strapi 5 (review workflows' version); nothing reads it.
  version: known(anything),
  populateCreatorFields: notRun(boolean),
  privateAttributes: notRun(stringArray),
};

/**
 * The top level of a content type's schema.json (Strapi's struct/schema.ts). `config` is written by
 * Strapi's content-type builder too (services/schema-builder/schema-handler.ts, `flush`); nothing reads it.
 */
const CONTENT_TYPE_TOP: Record<string, KeySpec> = {
  kind: known(string),
  collectionName: known(string),
  info: known(object),
  options: known(object),
  pluginOptions: known(object),
  attributes: known(object),
  config: known(object),
  indexes: notRun(anything),
  foreignKeys: notRun(anything),
};
const CONTENT_TYPE_INFO: Record<string, KeySpec> = {
  ...INFO_KEYS,
  singularName: known(string),
  pluralName: known(string),
  // Strapi 4's name, still in the users-permissions plugin's own schemas.
  name: known(string),
};
const CONTENT_TYPE_OPTIONS: Record<string, KeySpec> = {
  ...OPTIONS_KEYS,
  draftAndPublish: known(boolean),
  reviewWorkflows: notRun(boolean),
};

const COMPONENT_TOP: Record<string, KeySpec> = {
  collectionName: known(string),
  info: known(object),
  options: known(object),
  pluginOptions: known(object),
  attributes: known(object),
  config: known(object),
};
const COMPONENT_INFO: Record<string, KeySpec> = { ...INFO_KEYS, name: known(string) };

const ATTRIBUTE_TYPES = Object.keys(BY_TYPE);

/** Checks one Strapi definition; `where` names it in messages (a file path, or "runtime type …"). */
export function checkSchemaDefinition(
  where: string,
  modelType: 'contentType' | 'component',
  definition: SchemaDefinition,
): SchemaFileCheck {
  const problems: string[] = [];
  const unimplemented: UnimplementedOption[] = [];
  if (!isObject(definition)) return { problems, unimplemented }; // normalize says it must be an object
  const note = (option: string, at: string) => unimplemented.push({ option, where: at });
  const isType = modelType === 'contentType';

  checkKeys(definition, isType ? CONTENT_TYPE_TOP : COMPONENT_TOP, {
    problem: (key, message) => problems.push(`${where}: "${key}" ${message}`),
    unimplemented: (key) => note(key, where),
  });
  const sections: [string, Record<string, KeySpec>][] = [
    ['info', isType ? CONTENT_TYPE_INFO : COMPONENT_INFO],
    ['options', isType ? CONTENT_TYPE_OPTIONS : OPTIONS_KEYS],
  ];
  for (const [section, keys] of sections) {
    const value = definition[section];
    if (!isObject(value)) continue; // a missing or non-object section is reported above or by normalize
    checkKeys(value, keys, {
      problem: (key, message) => problems.push(`${where}: "${section}.${key}" ${message}`),
      unimplemented: (key) => note(`${section}.${key}`, where),
    });
  }
  pluginOptionsUsed(definition.pluginOptions, (plugin) => note(`pluginOptions.${plugin}`, where));

  const attributes = definition.attributes;
  if (isObject(attributes)) {
    for (const [name, spec] of Object.entries(attributes)) {
      const at = `${where}: attribute "${name}"`;
      if (!isObject(spec)) continue; // normalize names it
      checkAttribute(spec, {
        problem: (message) => problems.push(`${at}: ${message}`),
        unimplemented: (key) => note(key, `${where} (${name})`),
      });
    }
  }
  return { problems, unimplemented };
}

/** Throws one SchemaError listing every problem of the checks (one line each). */
export function throwIfInvalid(checks: readonly SchemaFileCheck[]): void {
  const problems = checks.flatMap((check) => check.problems);
  if (problems.length === 1) throw new SchemaError(problems[0]);
  if (problems.length > 1)
    throw new SchemaError(
      `${problems.length} problems in the schema files:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
}

function checkAttribute(
  spec: Json,
  report: { problem(message: string): void; unimplemented(key: string): void },
): void {
  const type = spec.type;
  if (typeof type !== 'string') {
    report.problem('"type" must be a string');
    return;
  }
  const specific = BY_TYPE[type];
  if (!specific) {
    report.problem(`unknown type "${type}"${suggestion(type, ATTRIBUTE_TYPES)}`);
    return;
  }
  const keys = { ...COMMON, ...specific };
  checkKeys(spec, keys, {
    problem: (key, message) => report.problem(`"${key}" ${message}`),
    unimplemented: report.unimplemented,
    unknown: (key) => {
      const elsewhere = ATTRIBUTE_TYPES.filter((other) => Object.hasOwn(BY_TYPE[other], key));
      const named = elsewhere.length > 7 ? [...elsewhere.slice(0, 6), '…'] : elsewhere;
      if (elsewhere.length) return `is not an option of ${type} attributes (${named.join(', ')} take it)`;
      return undefined;
    },
  });
  for (const key of REQUIRED_BY_TYPE[type] ?? [])
    if (spec[key] === undefined) report.problem(`a ${type} attribute needs "${key}"`);
  if (type === 'relation' && typeof spec.relation === 'string' && !spec.relation.startsWith('morphTo')) {
    if (spec.target === undefined) report.problem('a relation needs a "target" uid');
  }
  for (const [low, high] of [
    ['minLength', 'maxLength'],
    ['min', 'max'],
  ]) {
    const [a, b] = [numeric(spec[low]), numeric(spec[high])];
    if (a !== undefined && b !== undefined && a > b)
      report.problem(`"${low}" (${a}) must not exceed "${high}" (${b})`);
  }
  pluginOptionsUsed(spec.pluginOptions, (plugin) => report.unimplemented(`pluginOptions.${plugin}`));
}

function checkKeys(
  value: Json,
  keys: Record<string, KeySpec>,
  report: {
    problem(key: string, message: string): void;
    unimplemented(key: string): void;
    /** A better message for an unknown key than "unknown key" (e.g. that it belongs to another type). */
    unknown?(key: string): string | undefined;
  },
): void {
  const valid = Object.keys(keys);
  for (const [key, v] of Object.entries(value)) {
    const spec = Object.hasOwn(keys, key) ? keys[key] : undefined;
    if (!spec) {
      report.problem(key, report.unknown?.(key) ?? `is not a known key${suggestion(key, valid)}`);
      continue;
    }
    // null is how JSON says "not set"; Strapi's checks take it for most keys, and so does Quorum.
    if (v === null) continue;
    const wrong = spec.check(v, value);
    if (wrong) report.problem(key, wrong);
    else if (spec.unimplemented) report.unimplemented(key);
  }
}

/**
 * Plugin options Quorum does not act on: every plugin's but i18n's (Quorum localizes content itself).
 * Empty objects (the content-type builder writes `"pluginOptions": {}`) say nothing.
 */
function pluginOptionsUsed(value: unknown, report: (plugin: string) => void): void {
  if (!isObject(value)) return;
  for (const [plugin, options] of Object.entries(value)) {
    if (isObject(options) && Object.keys(options).length === 0) continue;
    if (plugin === 'i18n') continue;
    report(plugin);
  }
}

/** "; did you mean `maxLength`?" when a valid key is a small edit away (or differs only in case). */
export function suggestion(input: string, candidates: readonly string[]): string {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const limit = Math.max(1, Math.min(2, Math.floor(input.length / 3)));
  return best !== undefined && bestDistance <= limit ? `; did you mean \`${best}\`?` : '';
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
