import qs from 'qs';
import { expect } from 'vitest';
import type { TestNode, TestResponse } from './node.js';

/** A document as the content API returns it. */
export type Doc = Record<string, unknown>;

/** The query string exactly as `@strapi/client` sends it: default `qs.stringify`, brackets percent-encoded. */
export function sdkQuery(params: object): string {
  return qs.stringify(params);
}

/** The query string as Strapi's docs and query builder write it: literal brackets, encoded values. */
export function bracketQuery(params: object): string {
  return qs.stringify(params, { encodeValuesOnly: true });
}

/**
 * Creates documents one after the other through the API (so their ids follow the given order) with the
 * full-access token, and returns them as the API answered.
 */
export async function createDocuments(
  t: TestNode,
  plural: string,
  documents: readonly Doc[],
  options: { status?: 'draft' } = {},
): Promise<Doc[]> {
  const created: Doc[] = [];
  const url = options.status ? `/api/${plural}?status=${options.status}` : `/api/${plural}`;
  for (const data of documents) {
    const res = await t.request({ method: 'POST', url, body: { data } });
    if (res.status !== 201) throw new Error(`seeding ${plural} failed (${res.status}): ${res.body}`);
    created.push(res.json().data as Doc);
  }
  return created;
}

/** Asserts a Strapi-shaped error body with the given status and name, and returns its `error` member. */
export function expectError(
  res: TestResponse,
  status: number,
  name: string | readonly string[],
): { status: number; name: string; message: string; details: Record<string, unknown> } {
  expect(res.status, res.body).toBe(status);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['data', 'error']);
  expect(body.data).toBeNull();
  expect(Object.keys(body.error).sort()).toEqual(['details', 'message', 'name', 'status']);
  expect(body.error.status).toBe(status);
  if (typeof name === 'string') expect(body.error.name).toBe(name);
  else expect(name).toContain(body.error.name);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.details).toBe('object');
  expect(body.error.details).not.toBeNull();
  return body.error;
}

/**
 * Asserts Strapi's query-validation error: 400 ValidationError "Invalid key <key>" (optionally
 * "… at <path>"), details exactly `{ key, path, source: 'query', param }`.
 * `path` is asserted exactly when given; otherwise it must be null or a string naming where the key was.
 */
export function expectInvalidKey(
  res: TestResponse,
  key: string,
  param: 'filters' | 'sort' | 'fields' | 'populate',
  path?: string | null,
): void {
  const error = expectError(res, 400, 'ValidationError');
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (path === null) expect(error.message).toBe(`Invalid key ${key}`);
  else expect(error.message).toMatch(new RegExp(`^Invalid key ${escaped}( at \\S+)?$`));
  expect(Object.keys(error.details).sort()).toEqual(['key', 'param', 'path', 'source']);
  expect(error.details).toEqual({
    key,
    path: path === undefined ? expect.toBeOneOf([null, expect.any(String)]) : path,
    source: 'query',
    param,
  });
}
