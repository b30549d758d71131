/* eslint-disable @typescript-eslint/no-explicit-any -- answers are untyped JSON */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFirstAdmin, type AdminSession } from '../admin/helpers.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/*
 * Issue 19: what Quorum does with localized content beyond the recorded Strapi answers
 * (strapi-i18n-answers.test.ts): the response cache per locale and across a change of the default
 * locale, shared values reaching every locale, deleting a locale with its content, and random `locale`
 * values never being a 5xx. The app is test/fixtures/apps/strapi-i18n (Strapi's i18n fixture schemas:
 * article localized, price shared; tag not localized).
 */

describeEachDatabase('localized content', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    // The app's locales, with the response cache on for PostgreSQL too (it is on by default on SQLite).
    t = await startTestNode({
      kind,
      app: 'strapi-i18n',
      config: {
        i18n: {
          locales: [
            { code: 'en', name: 'English (en)', isDefault: true },
            { code: 'fr', name: 'French (fr)' },
            { code: 'de', name: 'German (de)' },
          ],
        },
        cache: { responses: { enabled: true } },
      },
    });
    root = await registerFirstAdmin(t);
  });
  afterAll(() => t.close());

  const write = async (method: 'POST' | 'PUT', url: string, data: unknown) => {
    const res = await t.request({ method, url, body: { data } });
    expect(res.status, res.body).toBeLessThan(300);
    return res.json().data;
  };
  const titles = async (url: string) =>
    ((await t.request({ url })).json().data as any[]).map((doc) => `${doc.title}/${doc.locale}`);
  const admin = (method: 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url: `/admin/api/i18n${url}`, body, auth: root.auth });
  const localeId = async (code: string) =>
    ((await admin('GET', '/locales')).json() as any[]).find((l) => l.code === code).id as number;

  it('keeps one version per locale; a French read never answers from the English one', async () => {
    const en = await write('POST', '/api/articles', { title: 'Cache en', code: 'C1', price: 5 });
    await write('PUT', `/api/articles/${en.documentId}?locale=fr`, { title: 'Cache fr' });
    // `code` is per locale (the French version has none): the versions are found by documentId.
    const of = `/api/articles?filters[documentId][$eq]=${en.documentId}`;
    for (let i = 0; i < 2; i++) {
      expect(await titles(of)).toEqual(['Cache en/en']);
      expect(await titles(`${of}&locale=fr`)).toEqual(['Cache fr/fr']);
      expect(await titles(`${of}&locale=*&sort=locale`)).toEqual(['Cache en/en', 'Cache fr/fr']);
    }
    // The French version took the shared price from the English one.
    const fr = (await t.request({ url: `/api/articles/${en.documentId}?locale=fr` })).json().data;
    expect(fr).toMatchObject({ price: 5, locale: 'fr', documentId: en.documentId });
  });

  it('a new default locale changes what reads without `locale` answer, cached or not', async () => {
    const [en] = (await t.request({ url: '/api/articles?filters[code][$eq]=C1' })).json().data;
    const url = `/api/articles?filters[documentId][$eq]=${en.documentId}`;
    expect(await titles(url)).toEqual(['Cache en/en']);
    expect((await admin('PUT', `/locales/${await localeId('fr')}`, { isDefault: true })).status).toBe(200);
    try {
      expect(await titles(url)).toEqual(['Cache fr/fr']);
    } finally {
      expect((await admin('PUT', `/locales/${await localeId('en')}`, { isDefault: true })).status).toBe(200);
    }
    expect(await titles(url)).toEqual(['Cache en/en']);
  });

  it('a shared value written in one locale reaches the other locales, drafts and published rows', async () => {
    const en = await write('POST', '/api/articles', { title: 'Shared en', code: 'S1', price: 1 });
    await write('PUT', `/api/articles/${en.documentId}?locale=fr`, { title: 'Shared fr' });
    await write('PUT', `/api/articles/${en.documentId}?locale=fr`, { price: 7 });
    for (const status of ['published', 'draft']) {
      const res = await t.request({ url: `/api/articles/${en.documentId}?status=${status}` });
      expect(res.json().data, status).toMatchObject({ locale: 'en', price: 7, title: 'Shared en' });
    }
    // A draft-only write reaches the other drafts only.
    await write('PUT', `/api/articles/${en.documentId}?locale=fr&status=draft`, { price: 8 });
    const draft = (await t.request({ url: `/api/articles/${en.documentId}?status=draft` })).json().data;
    const published = (await t.request({ url: `/api/articles/${en.documentId}` })).json().data;
    expect([draft.price, published.price]).toEqual([8, 7]);
  });

  it('deleting a locale says first what it would delete, then deletes its versions only', async () => {
    const en = await write('POST', '/api/articles', { title: 'Doomed en', code: 'D9' });
    await write('PUT', `/api/articles/${en.documentId}?locale=de`, { title: 'Doomed de' });
    const id = await localeId('de');
    const dry = await admin('DELETE', `/locales/${id}?dryRun=true`);
    expect(dry.status, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ code: 'de', content: { 'api::article.article': 1 } });
    const ofDe = `/api/articles?locale=de&filters[documentId][$eq]=${en.documentId}`;
    expect(await titles(ofDe)).toEqual(['Doomed de/de']);

    const deleted = await admin('DELETE', `/locales/${id}`);
    expect(deleted.status, deleted.body).toBe(200);
    expect(deleted.json().content).toBeUndefined();
    expect(await titles(ofDe)).toEqual([]);
    const left = (await t.request({ url: `/api/articles/${en.documentId}?populate=localizations` })).json()
      .data;
    expect(left).toMatchObject({ title: 'Doomed en', locale: 'en', localizations: [] });
  });

  describe('random locale values', () => {
    it('never answer 5xx on reads and writes', async () => {
      const doc = await write('POST', '/api/articles', { title: 'Fuzz', code: 'F1' });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.constantFrom('*', 'fr', 'FR', 'fr-CA', 'zh-Hans', '', 'x'.repeat(36)),
          ),
          async (locale) => {
            const q = `locale=${encodeURIComponent(locale)}`;
            for (const res of [
              await t.request({ url: `/api/articles?${q}` }),
              await t.request({ url: `/api/articles/${doc.documentId}?${q}&populate=*` }),
              await t.request({ url: `/api/homepage?${q}` }),
              await t.request({
                method: 'PUT',
                url: `/api/articles/${doc.documentId}?${q}&status=draft`,
                body: { data: { title: 'Fuzzed' } },
              }),
            ])
              expect(res.status, `${locale}: ${res.body}`).toBeLessThan(500);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
