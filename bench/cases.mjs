// What is measured, declaratively. Each case is one wrk run against one server:
//   id        short name used in the table and the JSON results
//   label     what the request does
//   server    'quorum' (the node under test, requests carry a read-only API token) or 'bare' (Fastify)
//   path      a function of the pass context returning path + query string; the context has
//             documentId (a seeded article), showcaseDocumentId (an article with a dynamic zone, a
//             component, an author and a category, created through the API) and articles (pass size)
//   baseline  the id of the bare case this one is divided by (req/s ratio)
//   headers   request headers of the case (Quorum's uncached cases send Cache-Control: no-cache, which
//             makes the node read and render every request instead of answering from its response cache)
//   target    the minimum req/s ratio from DESIGN.md ("Performance targets"), and the aim where one is set
// Adding a case is adding an entry here; nothing else needs to change for a new path on an existing server.

/**
 * BENCH_LOCALE=fr: the articles are a localized type whose every document is in that locale, and the
 * article cases ask for it (`locale=fr`), to set the localized read path beside the plain one.
 */
export const BENCH_LOCALE = process.env.BENCH_LOCALE || undefined;
const inLocale = (p) => (BENCH_LOCALE ? `${p}${p.includes('?') ? '&' : '?'}locale=${BENCH_LOCALE}` : p);

/** Case (a) — and the JSON the bare list route serves is exactly this request's response. */
export const LIST_PATH = inLocale('/api/articles?sort=publishedAt:desc&pagination[pageSize]=25');

/** Read from the database on every request, never from the response cache. */
const UNCACHED = { 'cache-control': 'no-cache' };

export const CASES = [
  {
    id: 'a',
    label: 'list 25, sort=publishedAt:desc',
    server: 'quorum',
    headers: UNCACHED,
    path: () => LIST_PATH,
    baseline: 'bare-list',
    target: { min: 0.25, aim: 0.4 },
  },
  {
    id: 'b',
    label: 'one document by documentId',
    server: 'quorum',
    headers: UNCACHED,
    path: (ctx) => inLocale(`/api/articles/${ctx.documentId}`),
    baseline: 'bare-hello',
    target: { min: 0.4 },
  },
  {
    id: 'c',
    label: 'filter title $containsi + views $gt',
    server: 'quorum',
    headers: UNCACHED,
    path: () => inLocale('/api/articles?filters[title][$containsi]=data&filters[views][$gt]=100'),
    baseline: 'bare-list',
  },
  {
    id: 'd',
    label: 'list 25 + populate author, category',
    server: 'quorum',
    headers: UNCACHED,
    path: () => `${LIST_PATH}&populate[author]=true&populate[category]=true`,
    baseline: 'bare-list',
    target: { min: 0.25 },
  },
  {
    id: 'e',
    label: 'one document, populate=* (dynamic zone)',
    server: 'quorum',
    headers: UNCACHED,
    path: (ctx) => inLocale(`/api/articles/${ctx.showcaseDocumentId}?populate=*`),
    baseline: 'bare-hello',
  },
  {
    id: 'a-cached',
    label: '(a) answered from the response cache',
    server: 'quorum',
    path: () => LIST_PATH,
    baseline: 'bare-list',
    target: { min: 0.7 },
  },
  {
    id: 'd-cached',
    label: '(d) answered from the response cache',
    server: 'quorum',
    path: () => `${LIST_PATH}&populate[author]=true&populate[category]=true`,
    baseline: 'bare-list',
    target: { min: 0.7 },
  },
  {
    id: 'bare-list',
    label: 'bare Fastify, prebuilt (a) JSON',
    server: 'bare',
    path: () => '/list',
  },
  {
    id: 'bare-hello',
    label: 'bare Fastify, {hello:"world"}',
    server: 'bare',
    path: () => '/hello',
  },
];

/** Absolute targets from DESIGN.md, checked on every Quorum case of the 2,000-article pass. */
export const TARGETS = {
  p99Ms: 10,
  rssUnderLoadMb: 200,
  rssIdleMb: 100,
  startToFirst200Ms: 1500,
};
