import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import { registerFirstAdmin, type AdminSession } from '../admin/helpers.js';

/*
 * Issue 19: localized content answers as Strapi 5.54 does. test/fixtures/strapi-5.54-i18n/ holds real
 * answers of a Strapi 5.54.0 app with the i18n plugin (strictParams on, SQLite), recorded in one sequence
 * (app-src/scripts/record.js, then reqs2.js) over the data app-src/scripts/seed.js made, on the same
 * schemas (test/fixtures/apps/strapi-i18n, copied from that app). Every expectation here is "measured on
 * Strapi 5.54": the recorded requests are replayed against Quorum in the order they ran
 * (answers/_summary.tsv), on both databases, writes included, so each read sees the state the earlier
 * writes left, as Strapi's did. Each must give the same status; an error body must be byte for byte
 * Strapi's (with document ids mapped); a list the same documents in the same order (rows tied on the
 * sort keys in any order: Strapi breaks ties by row id, which is internal) with the same pagination meta;
 * a document the same fields and values, ids and timestamps aside (documentIds mapped, publishedAt only
 * compared as set or null), and the same top-level key order (`locale` last among scalars, as Strapi).
 *
 * The data (reference: the fixture's measurements.md, "Seed"): locales en (default), fr, de. A1 en+fr
 * published, its drafts' shared price 12 (published 10); A2 en only; A3 an en draft only; A4 fr only;
 * A5 en published + an fr draft never published; A6, A7, A8 en+fr; A9 en only. Category Science en+fr
 * (Sciences), Sport en only; tags news and tech (no draft & publish, not localized); author Ada (not
 * localized); homepage en+fr. seed.js also probed the document service (a de and an en duplicate, a
 * locale xx document) and deleted what it made (cleanup.js): nothing of it is left, so nothing of it is
 * seeded here.
 *
 * The seed writes through Quorum's REST API what seed.js wrote through Strapi's document service. Where
 * Strapi filled a shared (`localized: false`) field of a new locale version by copying it (price, the
 * category's code, the homepage's tagline, A1's sharedSeo) or by syncing it from another locale's draft
 * (A1's en draft price 12), the seed writes the value itself, so the seeded state does not depend on
 * those rules; they are measured by the replayed writes (put-a9-fr-creates-locale, put-a1-fr-shared-price,
 * homepage-put-de-creates…).
 *
 * The admin requests (/i18n/…) are not compared here (test/i18n/locales.test.ts compares them); those of
 * them that changed Strapi's locales (creating es, pt and fr-CA, switching the default, deleting de and
 * pt) are replayed through Quorum's /admin/api/i18n so that the content requests after them see the same
 * locales. Webhook deliveries (webhooks.jsonl), the export archive and the database layout are other
 * tests' business.
 */

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'strapi-5.54-i18n');
const ANSWERS = path.join(FIXTURE, 'answers');

/** Recorded requests not compared, each with its reason. */
const EXCLUDED: Readonly<Record<string, string>> = {
  'admin-locales-list-no-auth': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-locales-list-api-token': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-locales-list': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-iso-locales': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-settings': 'admin API: Quorum has no /i18n/settings',
  'admin-locales-create-duplicate': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-create-invalid-code': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-create-uppercase-code': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-create-missing-isdefault':
    'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-create-unknown-key': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-create-name-too-long': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-update-code-rejected': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-update-empty-name': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-update-missing': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-update-by-code': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-list-after-default-false': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-locales-delete-default': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-delete-missing': 'admin API, changed nothing (compared in test/i18n/locales.test.ts)',
  'admin-locales-list-final': 'admin API (compared in test/i18n/locales.test.ts)',
  'admin-locales-list-default-es': 'admin API (compared in test/i18n/locales.test.ts)',
  'cm-list-fr': "Strapi's content-manager admin API, which Quorum does not have (its admin API is its own)",
  'cm-findone-fr':
    "Strapi's content-manager admin API, which Quorum does not have (its admin API is its own)",
  'admin-non-localized-fields': "the i18n plugin's content-manager action, which Quorum does not have",
};

/**
 * Recorded requests where Quorum answers otherwise on purpose (docs/strapi-differences.md): replayed in
 * order (later requests see what they left) and checked for Quorum's own answer, not Strapi's.
 */
const DIFFERENT: Readonly<
  Record<string, { status: number; reason: string; data?: Record<string, unknown> }>
> = {
  // A publishing write of a shared field reaches the other locales' drafts too; in Strapi only their
  // published rows, so a later publish of their draft brought the old value back.
  // PUT ?locale=fr {price: 99} published fr: en's draft has 99 too (Strapi: still 12).
  'findone-a1-en-draft-after-fr-price': {
    status: 200,
    reason: 'shared fields reach the drafts of other locales',
    data: { price: 99, locale: 'en' },
  },
  'homepage-put-body-locale': { status: 200, reason: 'shared fields reach the drafts of other locales' },
  'put-a1-body-locale-fr': { status: 200, reason: 'shared fields reach the drafts of other locales' },
  'find-final-star': { status: 200, reason: 'shared fields reach the drafts of other locales' },
  // Strapi holds every uid unique (per locale); Quorum only uids marked `unique`.
  'uid-slug-en-collision': { status: 200, reason: 'a uid is unique only when marked unique' },
};

/**
 * Lists whose documents Strapi answers with the sort column first when the filters cross a relation (its
 * DISTINCT query selects it first): the same documents, in Quorum's usual key order.
 */
const SORT_COLUMN_FIRST = new Set(['find-fr-filter-category-name', 'find-filter-localizations-title']);

/**
 * Recorded admin requests that changed Strapi's locales: replayed (not compared) through Quorum's admin
 * API, so that the content requests after them see the same locales.
 */
const ADMIN_STATE = new Set([
  'admin-locales-create',
  'admin-locales-create-no-name',
  'admin-locales-create-region-code',
  'admin-locales-update-name',
  'admin-locales-set-default-es',
  'admin-locales-set-default-en',
  'admin-locales-set-default-false',
  'admin-locales-delete-de',
  'admin-locales-delete-pt',
  'admin-locales-set-default-es-2',
  'admin-locales-set-default-en-2',
]);

/**
 * Content-API requests sent with the full-access token instead of as the Public role: Strapi's Public
 * role had `plugin::i18n.locales.listLocales`, which Quorum's config/permissions.json cannot grant (it
 * takes content, users-permissions and upload actions). A full-access token gets the same answer.
 */
const AS_TOKEN = new Set([
  'locales-content-api',
  'locales-content-api-locale-fr',
  'locales-content-api-default-es',
]);

interface Answer {
  readonly request: string;
  readonly requestBody?: unknown;
  readonly status: number;
  readonly body: unknown;
  readonly auth?: string;
}

type Doc = Record<string, unknown>;

interface Step {
  readonly index: number;
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly answer: Answer;
}

const recorded = (name: string) =>
  JSON.parse(readFileSync(path.join(ANSWERS, `${name}.json`), 'utf8')) as Answer;

// One line per request, in the order they ran. A name that ran twice (homepage-no-locale-default-es)
// has one file, the later run's; both runs asked the same and got the same 404.
const steps: Step[] = readFileSync(path.join(ANSWERS, '_summary.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line, index) => {
    const [name, status, request] = line.split('\t');
    const answer = recorded(name);
    if (answer.request !== request || answer.status !== Number(status))
      throw new Error(`${name}: _summary.tsv and ${name}.json disagree`);
    const method = request.slice(0, request.indexOf(' ')) as Step['method'];
    return { index: index + 1, name, method, answer };
  });

const strapiIds = JSON.parse(readFileSync(path.join(ANSWERS, '_ids.json'), 'utf8')) as Record<
  string,
  string | number
>;

/** Strapi's locale ids (for the admin URLs), from its recorded admin answers. */
const strapiLocaleCodes = new Map<number, string>(
  [
    ...(recorded('admin-locales-list').body as Doc[]),
    recorded('admin-locales-create').body as Doc,
    recorded('admin-locales-create-no-name').body as Doc,
    recorded('admin-locales-create-region-code').body as Doc,
  ].map((locale) => [locale.id as number, locale.code as string]),
);

const isAdmin = (step: Step) => /^[A-Z]+ \/(i18n|content-manager)\//.test(step.answer.request);

/** The sort keys a list request names (`sort=a:desc`, `sort[0]=a&sort[1]=b`), for telling ties apart. */
function sortKeys(request: string): string[] {
  const query = request.slice(request.indexOf('?') + 1);
  const keys: string[] = [];
  for (const part of query.split('&')) {
    const [key, value = ''] = part.split('=');
    if (/^sort(\[\d+\])?$/.test(decodeURIComponent(key)))
      keys.push(
        ...decodeURIComponent(value)
          .split(',')
          .map((s) => s.split(':')[0]),
      );
  }
  return keys;
}

describeEachDatabase('i18n answers measured on Strapi 5.54', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  /** Strapi's documentId → Quorum's, and both → a readable name for comparisons. */
  const toQuorum = new Map<string, string>();
  const strapiName = new Map<string, string>();
  const quorumName = new Map<string, string>();
  const link = (name: string, strapiId: string, quorumId: string) => {
    toQuorum.set(strapiId, quorumId);
    strapiName.set(strapiId, name);
    quorumName.set(quorumId, name);
  };
  const strapiIdOf = (name: string) => strapiIds[name] as string;
  // Strapi's documents by their recorded names, also those Quorum never made (a failed replayed write).
  for (const [name, id] of Object.entries(strapiIds)) if (typeof id === 'string') strapiName.set(id, name);

  const write = async (method: 'POST' | 'PUT', url: string, data: unknown) => {
    const res = await t.request({ method, url, body: { data } });
    if (res.status >= 300) throw new Error(`seed: ${method} ${url}: ${res.status} ${res.body}`);
    return res.json().data as Doc;
  };
  const ids: Record<string, string> = {};
  /** Creates a document as seed.js named it, and maps Strapi's documentId of that name to Quorum's. */
  const create = async (name: string, url: string, data: unknown) => {
    ids[name] = (await write('POST', url, data)).documentId as string;
    link(name, strapiIdOf(name), ids[name]);
  };
  /** Adds (or updates) a locale version of a seeded document; it must keep its documentId. */
  const update = async (name: string, url: string, data: unknown) => {
    const doc = await write('PUT', url, data);
    if (doc.documentId !== ids[name])
      throw new Error(`seed: ${url} answered documentId ${String(doc.documentId)}, not ${name}'s`);
  };

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'strapi-i18n' });
    root = await registerFirstAdmin(t);

    // seed.js, in its order, through the REST API (full-access token).
    await create('t1', '/api/tags', { name: 'news' });
    await create('t2', '/api/tags', { name: 'tech' });
    await create('au', '/api/authors', { name: 'Ada' });

    await create('cat', '/api/categories', { name: 'Science', code: 'sci' });
    await update('cat', `/api/categories/${ids.cat}?locale=fr`, { name: 'Sciences', code: 'sci' });
    await create('catEn', '/api/categories', { name: 'Sport', code: 'spo' });

    await create('a1', '/api/articles', {
      title: 'Hello',
      code: 'A1',
      price: 10,
      body: 'Hello body',
      seo: { metaTitle: 'Hello SEO' },
      sharedSeo: { metaTitle: 'shared seo' },
      blocks: [{ __component: 'shared.quote', text: 'en quote', who: 'Ada' }],
      category: ids.cat,
      tags: [ids.t1, ids.t2],
      author: ids.au,
    });
    // The fr version: no author, its own tags; price and sharedSeo as Strapi copied them from en.
    await update('a1', `/api/articles/${ids.a1}?locale=fr`, {
      title: 'Bonjour',
      code: 'A1',
      price: 10,
      body: 'Corps',
      seo: { metaTitle: 'Bonjour SEO' },
      sharedSeo: { metaTitle: 'shared seo' },
      blocks: [{ __component: 'shared.quote', text: 'citation fr', who: 'Ada' }],
      category: ids.cat,
      tags: [ids.t1],
    });
    // seed.js set the fr draft's shared price to 12, which Strapi synced to the en draft only (the
    // published versions kept 10: seed-log.json shared_price_after_fr_write). Both drafts are written.
    await update('a1', `/api/articles/${ids.a1}?locale=fr&status=draft`, { price: 12 });
    await update('a1', `/api/articles/${ids.a1}?status=draft`, { price: 12 });

    await create('a2', '/api/articles', {
      title: 'English only',
      code: 'A2',
      price: 20,
      category: ids.catEn,
      author: ids.au,
    });
    await create('a3', '/api/articles?status=draft', { title: 'Draft en', code: 'A3', price: 30 });
    await create('a4', '/api/articles?locale=fr', {
      title: 'Seulement français',
      code: 'A4',
      price: 40,
      category: ids.cat,
    });
    await create('a5', '/api/articles', { title: 'Zeta', code: 'A5', price: 50 });
    await update('a5', `/api/articles/${ids.a5}?locale=fr&status=draft`, {
      title: 'Zêta brouillon',
      code: 'A5',
      price: 50,
    });
    await create('a6', '/api/articles', { title: 'Alpha', code: 'A6', price: 60, tags: [ids.t2] });
    await update('a6', `/api/articles/${ids.a6}?locale=fr`, { title: 'Alpha fr', code: 'A6', price: 60 });
    await create('a7', '/api/articles', { title: 'Delete fr', code: 'A7', price: 70 });
    await update('a7', `/api/articles/${ids.a7}?locale=fr`, { title: 'Supprimer fr', code: 'A7', price: 70 });
    await create('a8', '/api/articles', { title: 'Delete all', code: 'A8', price: 80 });
    await update('a8', `/api/articles/${ids.a8}?locale=fr`, {
      title: 'Tout supprimer',
      code: 'A8',
      price: 80,
    });
    await create('a9', '/api/articles', { title: 'Gets fr via PUT', code: 'A9', price: 90 });

    const home = await write('PUT', '/api/homepage', {
      headline: 'Welcome',
      tagline: 'shared tagline',
      hero: { metaTitle: 'Home' },
    });
    ids.home = home.documentId as string;
    link('home', strapiIdOf('home'), ids.home);
    await update('home', '/api/homepage?locale=fr', {
      headline: 'Bienvenue',
      tagline: 'shared tagline',
      hero: { metaTitle: 'Accueil' },
    });
  }, 120_000);
  afterAll(() => t?.close());

  /** Replaces Strapi's documentIds in a request line or body by Quorum's. */
  const mapIds = (text: string) => {
    let result = text;
    for (const [strapiId, quorumId] of toQuorum) result = result.replaceAll(strapiId, quorumId);
    return result;
  };

  /**
   * What a document is compared on: ids and timestamps dropped, publishedAt as set or null, documentIds
   * as the seed's names, `localizations` (rows of the same document, which Strapi lists in row-id order)
   * sorted by locale.
   */
  const normalize = (value: unknown, names: Map<string, string>, side: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => normalize(item, names, side));
    if (value === null || typeof value !== 'object') return value;
    const out: Doc = {};
    for (const [key, v] of Object.entries(value as Doc)) {
      if (key === 'id' || key === 'createdAt' || key === 'updatedAt') continue;
      if (key === 'publishedAt') out[key] = v === null ? null : v === undefined ? undefined : 'set';
      else if (key === 'documentId' && typeof v === 'string') out[key] = names.get(v) ?? `${side} ${v}`;
      else if (key === 'localizations' && Array.isArray(v))
        out[key] = (normalize(v, names, side) as Doc[]).sort((a, b) =>
          String(a.locale).localeCompare(String(b.locale)),
        );
      else out[key] = normalize(v, names, side);
    }
    return out;
  };

  /** A list's documents, rows tied on the request's sort keys put in one (arbitrary but fixed) order. */
  const canonicalList = (docs: Doc[], names: Map<string, string>, side: string, keys: string[]) => {
    const normalized = docs.map((doc) => normalize(doc, names, side) as Doc);
    const tieKey = (doc: Doc) =>
      keys.length > 0 && keys.every((key) => key in doc) ? JSON.stringify(keys.map((key) => doc[key])) : null;
    const result: Doc[] = [];
    for (let i = 0; i < docs.length;) {
      const key = tieKey(docs[i]);
      let j = i + 1;
      while (key !== null && j < docs.length && tieKey(docs[j]) === key) j++;
      result.push(
        ...normalized
          .slice(i, j)
          .sort((a, b) =>
            JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
          ),
      );
      i = j;
    }
    return result;
  };

  /** Quorum's locale id for a code, for replaying an admin request made on Strapi's locale id. */
  const quorumLocaleId = async (code: string) => {
    const res = await t.request({ url: '/admin/api/i18n/locales', auth: root.auth });
    expect(res.status, res.body).toBe(200);
    const locale = (res.json() as Doc[]).find((l) => l.code === code);
    expect(locale, `Quorum has no locale ${code}`).toBeDefined();
    return locale!.id as number;
  };

  const replayAdmin = async (step: Step) => {
    const { request, requestBody } = step.answer;
    const url = request.slice(request.indexOf(' ') + 1);
    const match = /^\/i18n\/locales(?:\/(\d+))?$/.exec(url);
    if (!match) throw new Error(`${step.name}: no Quorum counterpart for ${request}`);
    let target = '/admin/api/i18n/locales';
    if (match[1] !== undefined) {
      const code = strapiLocaleCodes.get(Number(match[1]));
      if (code === undefined) throw new Error(`${step.name}: Strapi locale id ${match[1]} unknown`);
      target += `/${await quorumLocaleId(code)}`;
    }
    const res = await t.request({ method: step.method, url: target, body: requestBody, auth: root.auth });
    expect(res.status, `replaying ${request} for the locales it changed: ${res.body}`).toBe(200);
  };

  it('classifies every recorded request: compared, replayed for state, or excluded with a reason', () => {
    expect(steps).toHaveLength(201);
    for (const step of steps)
      if (isAdmin(step)) expect(ADMIN_STATE.has(step.name) || step.name in EXCLUDED, step.name).toBe(true);
    for (const name of [...ADMIN_STATE, ...Object.keys(EXCLUDED)])
      expect(
        steps.some((step) => step.name === name),
        name,
      ).toBe(true);
    expect(steps.filter((step) => !isAdmin(step)).length).toBeGreaterThan(150);
  });

  // In the recorded order: each request sees what the earlier ones left.
  for (const step of steps)
    describe(`#${step.index} ${step.name}`, () => {
      const { answer } = step;
      const title = `${answer.request} → ${answer.status}`;
      if (step.name in EXCLUDED) {
        it.skip(`${title} (not compared: ${EXCLUDED[step.name]})`, () => {});
        return;
      }
      const different = DIFFERENT[step.name];
      if (different) {
        it(`${title} (Quorum answers ${different.status}: ${different.reason})`, async () => {
          const url = mapIds(answer.request.slice(answer.request.indexOf(' ') + 1));
          const body =
            answer.requestBody === undefined
              ? undefined
              : JSON.parse(mapIds(JSON.stringify(answer.requestBody)));
          const res = await t.request({ method: step.method, url, body, auth: 'none' });
          expect(res.status, res.body).toBe(different.status);
          if (different.data) expect(res.json().data).toMatchObject(different.data);
        });
        return;
      }
      if (ADMIN_STATE.has(step.name)) {
        it(`${title} (replayed through /admin/api/i18n for its effect on locales, not compared)`, () =>
          replayAdmin(step));
        return;
      }
      it(title, async () => {
        const url = mapIds(answer.request.slice(answer.request.indexOf(' ') + 1));
        const body =
          answer.requestBody === undefined
            ? undefined
            : JSON.parse(mapIds(JSON.stringify(answer.requestBody)));
        const auth = AS_TOKEN.has(step.name) || answer.auth !== undefined ? 'full' : 'none';
        const res: TestResponse = await t.request({ method: step.method, url, body, auth });

        // A document made by a replayed write is mapped as soon as it exists, whatever else differs.
        const recordedData = (answer.body as { data?: Doc } | null)?.data;
        if (
          res.status < 300 &&
          step.method !== 'GET' &&
          typeof recordedData?.documentId === 'string' &&
          !toQuorum.has(recordedData.documentId)
        ) {
          const made = res.json()?.data?.documentId;
          const name = Object.entries(strapiIds).find(([, id]) => id === recordedData.documentId)?.[0];
          if (typeof made === 'string') link(name ?? step.name, recordedData.documentId, made);
        }

        expect(res.status, res.body).toBe(answer.status);
        if (answer.status === 204) {
          expect(res.body).toBe(answer.body);
          return;
        }
        const got = res.json();
        const expected = answer.body as { data?: unknown; meta?: unknown; error?: unknown };
        if (expected !== null && typeof expected === 'object' && 'error' in expected) {
          // Byte for byte, key order included; a documentId in a message is Quorum's.
          expect(got).toEqual(JSON.parse(mapIds(JSON.stringify(expected))));
          expect(res.body).toBe(mapIds(JSON.stringify(expected)));
          return;
        }
        if (Array.isArray(expected)) {
          // GET /api/i18n/locales: a bare array of locales.
          const locales = (list: Doc[]) =>
            list.map(({ code, name, isDefault }) => ({ code, name, isDefault }));
          expect(locales(got as Doc[])).toEqual(locales(expected as Doc[]));
          expect(Object.keys((got as Doc[])[0] ?? {})).toEqual(Object.keys((expected as Doc[])[0]));
          return;
        }
        if (Array.isArray(expected.data)) {
          const keys = sortKeys(answer.request);
          expect(canonicalList(got.data as Doc[], quorumName, 'quorum', keys)).toEqual(
            canonicalList(expected.data as Doc[], strapiName, 'strapi', keys),
          );
          expect(got.meta).toEqual(expected.meta);
          if (SORT_COLUMN_FIRST.has(step.name)) return;
          // Key order of each document (the recorded lists hold few kinds of documents: compare them all).
          expect((got.data as Doc[]).map((doc) => Object.keys(doc).join(','))).toEqual(
            (expected.data as Doc[]).map((doc) => Object.keys(doc).join(',')),
          );
          return;
        }
        expect(normalize(got.data, quorumName, 'quorum')).toEqual(
          normalize(expected.data, strapiName, 'strapi'),
        );
        expect(got.meta).toEqual(expected.meta);
        expect(Object.keys(got.data as Doc)).toEqual(Object.keys(expected.data as Doc));
      });
    });
});
