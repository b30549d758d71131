import type { AttributeDefinition } from '../../api/content-types';
import { mainField } from '../../api/content-types';
import type { SchemaLookup } from './schema-context';

/**
 * Conversions between a document as the API returns it and the values of the edit form, and back to a
 * request body. Inputs want strings ('' for empty, local date-times, JSON as text); the API wants
 * nulls, ISO timestamps, parsed JSON and relations as documentIds.
 */

type Attributes = Readonly<Record<string, AttributeDefinition>>;
type Values = Record<string, unknown>;

/** A related document as a picker shows it. */
export interface RelationOption {
  readonly documentId: string;
  readonly label: string;
}

export const isToMany = (a: AttributeDefinition) =>
  a.relation === 'oneToMany' || a.relation === 'manyToMany' || a.relation === 'morphToMany';

let keys = 0;
/** A stable React key for a list entry (components and dynamic-zone entries can be reordered). */
export const newKey = () => `k${++keys}`;

const pad = (n: number) => String(n).padStart(2, '0');
function toLocalDateTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function toFormValues(attributes: Attributes, doc: Values | null, schema: SchemaLookup): Values {
  const values: Values = {};
  for (const [name, a] of Object.entries(attributes)) {
    if (a.private) continue;
    const v = doc ? doc[name] : a.default;
    values[name] = toFormValue(a, v, schema);
  }
  return values;
}

function toFormValue(a: AttributeDefinition, v: unknown, schema: SchemaLookup): unknown {
  switch (a.type) {
    case 'json':
    case 'blocks':
      return v === null || v === undefined ? '' : JSON.stringify(v, null, 2);
    case 'datetime':
    case 'timestamp':
      return typeof v === 'string' && v ? toLocalDateTime(v) : '';
    case 'time':
      return typeof v === 'string' ? v.slice(0, 8) : '';
    case 'boolean':
      return v === true;
    case 'password':
      return '';
    case 'integer':
    case 'float':
    case 'decimal':
      return typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : '';
    case 'relation': {
      const target = a.target ? schema.contentTypes.get(a.target) : undefined;
      const option = (d: Values): RelationOption => ({
        documentId: String(d.documentId),
        label: String(d[mainField(target)] ?? d.documentId),
      });
      if (isToMany(a)) return Array.isArray(v) ? v.map((d) => option(d as Values)) : [];
      return v && typeof v === 'object' ? option(v as Values) : null;
    }
    case 'component': {
      const component = schema.components.get(a.component ?? '');
      const one = (c: Values) => ({
        __key: newKey(),
        ...toFormValues(component?.definition.attributes ?? {}, c, schema),
      });
      if (a.repeatable) return Array.isArray(v) ? v.map((c) => one(c as Values)) : [];
      return v && typeof v === 'object' ? one(v as Values) : null;
    }
    case 'dynamiczone':
      return Array.isArray(v)
        ? v.map((entry) => {
            const e = entry as Values;
            const component = schema.components.get(String(e.__component));
            return {
              __key: newKey(),
              __component: e.__component,
              ...toFormValues(component?.definition.attributes ?? {}, e, schema),
            };
          })
        : [];
    case 'media':
      // File objects, so the field shows thumbnails; toPayload sends their ids.
      if (a.multiple) return Array.isArray(v) ? v : [];
      return v && typeof v === 'object' ? v : null;
    default:
      return v === null || v === undefined ? '' : String(v);
  }
}

/** Field errors found while building the body (invalid JSON), by dotted path. */
export class PayloadErrors extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('The form has errors');
  }
}

export function toPayload(attributes: Attributes, values: Values, schema: SchemaLookup): Values {
  const errors: Record<string, string> = {};
  const body = build(attributes, values, schema, '', errors);
  if (Object.keys(errors).length) throw new PayloadErrors(errors);
  return body;
}

function build(
  attributes: Attributes,
  values: Values,
  schema: SchemaLookup,
  prefix: string,
  errors: Record<string, string>,
): Values {
  const body: Values = {};
  for (const [name, a] of Object.entries(attributes)) {
    if (a.private || !(name in values)) continue;
    const v = values[name];
    const path = `${prefix}${name}`;
    switch (a.type) {
      case 'json':
      case 'blocks':
        if (v === '') body[name] = null;
        else
          try {
            body[name] = JSON.parse(String(v));
          } catch {
            errors[path] = 'Not valid JSON';
          }
        break;
      case 'datetime':
      case 'timestamp':
        body[name] = v ? new Date(String(v)).toISOString() : null;
        break;
      case 'time':
        body[name] = v ? (String(v).length === 5 ? `${v}:00` : v) : null;
        break;
      case 'password':
        if (v) body[name] = v;
        break;
      case 'boolean':
        body[name] = v === true;
        break;
      case 'relation':
        if (a.target?.startsWith('plugin::')) break; // shown read-only, left as it is
        body[name] = isToMany(a)
          ? { set: (v as RelationOption[]).map((o) => o.documentId) }
          : ((v as RelationOption | null)?.documentId ?? null);
        break;
      case 'media': {
        // Files are written by numeric id, as Strapi does; an array is the field's whole new list, in order.
        const id = (f: unknown) => (f as { id: number }).id;
        body[name] = a.multiple ? ((v as unknown[] | null) ?? []).map(id) : v ? id(v) : null;
        break;
      }
      case 'component': {
        const attrs = schema.components.get(a.component ?? '')?.definition.attributes ?? {};
        if (a.repeatable)
          body[name] = (v as Values[]).map((c, i) => build(attrs, c, schema, `${path}.${i}.`, errors));
        else body[name] = v ? build(attrs, v as Values, schema, `${path}.`, errors) : null;
        break;
      }
      case 'dynamiczone':
        body[name] = (v as Values[]).map((e, i) => ({
          __component: e.__component,
          ...build(
            schema.components.get(String(e.__component))?.definition.attributes ?? {},
            e,
            schema,
            `${path}.${i}.`,
            errors,
          ),
        }));
        break;
      default:
        body[name] = v === '' ? null : v;
    }
  }
  return body;
}

/** `My title!` → `my-title` (what Strapi's uid generation does for ASCII text). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
