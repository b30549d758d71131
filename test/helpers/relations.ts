import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Doc } from './content-query.js';
import type { TestNode, TestResponse } from './node.js';

/**
 * Small request helpers for the relation, component and populate suites: each call asserts the status
 * it expects (with the body in the failure message) and returns `data`.
 */
export interface Api {
  get(url: string): Promise<TestResponse>;
  post(url: string, data: unknown): Promise<TestResponse>;
  put(url: string, data: unknown): Promise<TestResponse>;
  del(url: string): Promise<TestResponse>;
  /** GET that must answer 200; returns `data`. */
  read(url: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  /** GET that must answer 200 with a list; returns `data`. */
  list(url: string): Promise<Doc[]>;
  /** POST that must answer 201; returns `data`. */
  create(url: string, data: unknown): Promise<Doc>;
  /** PUT that must answer 200; returns `data`. */
  update(url: string, data: unknown): Promise<Doc>;
  /** DELETE that must answer 204. */
  remove(url: string): Promise<void>;
}

export function api(t: TestNode): Api {
  const expectStatus = (res: TestResponse, status: number, what: string) => {
    expect(res.status, `${what}: ${res.body}`).toBe(status);
  };
  const self: Api = {
    get: (url) => t.request({ url }),
    post: (url, data) => t.request({ method: 'POST', url, body: { data } }),
    put: (url, data) => t.request({ method: 'PUT', url, body: { data } }),
    del: (url) => t.request({ method: 'DELETE', url }),
    async read(url) {
      const res = await self.get(url);
      expectStatus(res, 200, `GET ${url}`);
      return res.json().data;
    },
    async list(url) {
      const data = await self.read(url);
      expect(Array.isArray(data), `GET ${url} returns a list`).toBe(true);
      return data as Doc[];
    },
    async create(url, data) {
      const res = await self.post(url, data);
      expectStatus(res, 201, `POST ${url}`);
      return res.json().data;
    },
    async update(url, data) {
      const res = await self.put(url, data);
      expectStatus(res, 200, `PUT ${url}`);
      return res.json().data;
    },
    async remove(url) {
      const res = await self.del(url);
      expectStatus(res, 204, `DELETE ${url}`);
    },
  };
  return self;
}

/** The values of one key of a list of documents, in order (e.g. titles). */
export function pluck(list: unknown, key = 'title'): unknown[] {
  expect(Array.isArray(list), `expected a list, got ${JSON.stringify(list)}`).toBe(true);
  return (list as Doc[]).map((doc) => doc[key]);
}

/** The number of rows of a table, read straight from the node's database. */
export async function countRows(t: TestNode, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    t.node.database.db,
  );
  return Number(rows[0].n);
}

/** Asserts a 400 body-validation error listing exactly the given paths (in any order); returns the errors. */
export function expectFieldErrors(
  res: TestResponse,
  paths: readonly (readonly (string | number)[])[],
): { path: (string | number)[]; message: string; name: string }[] {
  expect(res.status, res.body).toBe(400);
  const body = res.json();
  expect(body.data).toBeNull();
  expect(body.error.status).toBe(400);
  expect(body.error.name).toBe('ValidationError');
  expect(typeof body.error.message).toBe('string');
  const errors = body.error.details?.errors;
  expect(Array.isArray(errors), `details.errors in ${res.body}`).toBe(true);
  for (const error of errors) {
    expect(error.name).toBe('ValidationError');
    expect(typeof error.message).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
  }
  const key = (p: readonly (string | number)[]) => JSON.stringify(p);
  expect(errors.map((e: { path: (string | number)[] }) => key(e.path)).sort()).toEqual(paths.map(key).sort());
  return errors;
}

/** The keys every content-type document carries besides its attributes (no i18n in the fixtures). */
export const SYSTEM_KEYS = ['createdAt', 'updatedAt', 'publishedAt'] as const;
