// Deterministic, realistic-looking blog content: the same seed gives the same data set on every run, so
// figures from two runs compare. Sizes follow a typical blog: titles of 30–90 characters, descriptions of
// one or two sentences, bodies of a few hundred bytes of markdown, views skewed like real traffic.

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];

// About a quarter of the topics mention "data", so `filters[title][$containsi]=data` matches ~25%.
const TOPICS = [
  'data pipelines',
  'database indexes',
  'edge caching',
  'design systems',
  'API versioning',
  'team rituals',
  'observability',
  'Data contracts',
  'remote work',
  'type systems',
  'search relevance',
  'data modeling',
  'release trains',
  'accessibility',
  'cloud cost control',
  'schema migrations',
  'big data myths',
  'incident reviews',
  'load testing',
  'onboarding',
];

const TITLE_TEMPLATES = [
  (t) => `How we rebuilt ${t} in six weeks`,
  (t, n) => `${n} lessons from a year of ${t}`,
  (t) => `A field guide to ${t}`,
  (t) => `What nobody tells you about ${t}`,
  (t, n, place) => `${capitalize(t)} at scale: notes from ${place}`,
  (t) => `The quiet cost of ${t}`,
  (t) => `Why ${t} matter more than you think`,
  (t, n) => `${capitalize(t)}, part ${n}`,
];

const PLACES = ['Lisbon', 'Nairobi', 'Osaka', 'Montréal', 'Berlin', 'São Paulo', 'Tallinn', 'Austin'];

const SENTENCES = [
  'We started with a spreadsheet and a hunch.',
  'The first version worked until the second customer arrived.',
  'Most of the cost was hiding in places nobody measured.',
  'A small change in the defaults removed half of the support tickets.',
  'We wrote down every assumption and tested the three riskiest ones first.',
  'The numbers looked fine on average, which is exactly the problem with averages.',
  'It turned out the slow part was not the database at all.',
  'Nobody wanted to own it, so we gave it an owner and a budget.',
  'The team agreed on one rule: measure before and after every change.',
  'Our users noticed the difference before our dashboards did.',
  'Rolling it back took four minutes, which is why we dared to ship it.',
  'We kept the old path running in parallel for a month.',
  'The hardest part was deciding what not to build.',
  'Latency at the 99th percentile told a very different story.',
];

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `count` distinct sentences (a stride coprime with the list length never repeats one). */
function sentences(rand, count) {
  const start = Math.floor(rand() * SENTENCES.length);
  const out = [];
  for (let i = 0; i < count; i++) out.push(SENTENCES[(start + i * 5) % SENTENCES.length]);
  return out.join(' ');
}

function slugify(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The attributes of article `index` (0-based), as a client would POST them. */
export function articleData(rand, index) {
  const topic = pick(rand, TOPICS);
  const title = pick(rand, TITLE_TEMPLATES)(topic, 2 + Math.floor(rand() * 11), pick(rand, PLACES));
  const description = sentences(rand, 1 + Math.floor(rand() * 2)).slice(0, 280);
  const paragraphs = 2 + Math.floor(rand() * 3);
  const body = [`# ${title}`];
  for (let p = 0; p < paragraphs; p++) body.push(sentences(rand, 2 + Math.floor(rand() * 3)));
  return {
    title,
    description,
    // The index keeps slugs unique (the attribute is unique per status), as an editor would.
    slug: `${slugify(title)}-${index + 1}`,
    body: body.join('\n\n'),
    // exp() of a uniform value: most articles have a few hundred views, some tens of thousands.
    views: Math.floor(Math.exp(rand() * 11)) - 1,
    featured: rand() < 0.08,
    readingTime: 1 + Math.floor(rand() * 12),
  };
}

const FIRST = ['Ada', 'Léa', 'Kenji', 'Amara', 'Mateo', 'Ingrid', 'Ravi', 'Zofia', 'Tomás', 'Yuki', 'Noor'];
const LAST = ['Okafor', 'Fontaine', 'Watanabe', 'Mensah', 'García', 'Lind', 'Iyer', 'Nowak', 'Silva'];

export function authorData(rand, index) {
  const name = `${FIRST[index % FIRST.length]} ${LAST[(index * 7) % LAST.length]}`;
  return {
    name,
    email: `${slugify(name).replace(/-/g, '.')}@example.com`,
    bio: sentences(rand, 2),
  };
}

export const CATEGORIES = ['News', 'Engineering', 'Design', 'Culture', 'Product'].map((name) => ({
  name,
  slug: slugify(name),
  description: `Articles about ${name.toLowerCase()}.`,
}));

/**
 * One article with everything a rich page has — a dynamic zone, a component, an author and a category —
 * created through the API before the measurements (cases that populate it need it).
 */
export function showcaseArticle(author, category) {
  const rand = random(11);
  const base = articleData(rand, 0);
  return {
    ...base,
    slug: 'bench-showcase-with-blocks',
    author,
    category,
    // Ten entries of the starter's four block types, as issue 3's case (e) asks (media blocks empty).
    blocks: [
      { __component: 'shared.rich-text', body: base.body },
      { __component: 'shared.quote', title: 'Worth remembering', body: sentences(rand, 2) },
      { __component: 'shared.rich-text', body: sentences(rand, 4) },
      { __component: 'shared.media' },
      { __component: 'shared.quote', title: 'A second thought', body: sentences(rand, 1) },
      { __component: 'shared.rich-text', body: sentences(rand, 3) },
      { __component: 'shared.slider' },
      { __component: 'shared.quote', title: 'Said in passing', body: sentences(rand, 2) },
      { __component: 'shared.rich-text', body: sentences(rand, 5) },
      { __component: 'shared.quote', title: 'To end with', body: sentences(rand, 1) },
    ],
    seo: { metaTitle: base.title, metaDescription: base.description },
  };
}
