// Proof that the bulk-seeded rows are what the API writes: one article (with an author and a category) is
// created through the running node's REST API, and its rows are compared with a seeded article's — same
// SQL storage type in every column, same draft/published pairing and timestamps, same links — and their
// API renderings (populate=*) have the same keys in the same order. The probe is deleted again before
// anything is measured.
import Database from 'better-sqlite3';
import { apiRequest, createDocument } from './api.mjs';
import { articleData, random } from './content.mjs';

const DOCUMENT_ID = /^[a-z][a-z0-9]{23}$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The facts about one document's rows that must not depend on how it was written. */
function rowShape(db, linkTables, documentId) {
  const columns = db.prepare('select name from pragma_table_info(?)').pluck().all('articles');
  const types = db
    .prepare(
      `select ${columns.map((c) => `typeof("${c}") as "${c}"`).join(', ')} from articles
      where document_id = ? order by id`,
    )
    .all(documentId);
  const rows = db.prepare('select * from articles where document_id = ? order by id').all(documentId);
  const [draft, published] = rows;
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const strip = ({ id: _id, published_at: _publishedAt, ...rest }) => rest;
  const shape = {
    types,
    rowCount: rows.length,
    publishedIdFollowsDraft: published?.id === draft?.id + 1,
    draftUnpublished: draft?.published_at === null,
    publishedCopiesDraft: same(strip(draft ?? {}), strip(published ?? {})),
    timestampsEqual: rows.every((r) => r.created_at === r.updated_at),
    publishedAtIsCreation: published?.published_at === published?.created_at,
    isoMillis: rows.every((r) => ISO_MILLIS.test(r.created_at)),
    documentIdShape: DOCUMENT_ID.test(documentId),
  };
  for (const table of linkTables) shape[table] = linkShape(db, table, rows);
  return shape;
}

/** Links of a document's rows in one link table, described without the ids that differ between documents. */
function linkShape(db, table, rows) {
  const linksOf = db.prepare(`select * from "${table}" where source_id = ? order by source_ord`);
  // nextTargetOrd: a new link's target_ord counts the documents already linked to that target.
  const earlier = db.prepare(
    `select count(distinct o.document_id) from "${table}" l join articles o on o.id = l.source_id
     where l.target_document_id = ? and o.id < ?`,
  );
  const perRow = rows.map((row) => linksOf.all(row.id));
  const describe = (links) => links.map(({ source_ord, target_ord }) => ({ source_ord, target_ord }));
  const targets = (links) => links.map((l) => l.target_document_id);
  return {
    linksPerRow: perRow.map((links) => links.length),
    rowsLinkAlike: perRow.every(
      (links) => JSON.stringify(targets(links)) === JSON.stringify(targets(perRow[0])),
    ),
    ordsAlike: perRow.every(
      (links) => JSON.stringify(describe(links)) === JSON.stringify(describe(perRow[0])),
    ),
    sourceOrdFromZero: perRow.every((links) => links.every((l, i) => l.source_ord === i)),
    targetOrdCountsEarlier: (perRow[0] ?? []).every(
      (l) => l.target_ord === earlier.pluck().get(l.target_document_id, rows[0].id),
    ),
  };
}

export async function verifySeededRows({ baseUrl, fullAccessToken, dbPath, linkTables, ids }) {
  const probe = {
    ...articleData(random(7), 0),
    slug: 'bench-probe-created-through-the-api',
    author: ids.authors[0],
    category: ids.categories[0],
  };
  const probeId = await createDocument(baseUrl, fullAccessToken, 'articles', probe);
  let differences;
  try {
    differences = await compare(baseUrl, fullAccessToken, dbPath, linkTables, probeId, ids.articles[0]);
  } finally {
    // Delete the probe whatever happened, so a failed check leaves no extra article behind.
    await apiRequest(baseUrl, fullAccessToken, 'DELETE', `/api/articles/${probeId}`);
  }
  if (differences.length) {
    throw new Error(`seeded rows differ from rows the API writes:\n${differences.join('\n')}`);
  }
}

/** Lists every fact in which the seeded document differs from the one the API wrote. */
async function compare(baseUrl, token, dbPath, linkTables, probeId, seededDocumentId) {
  const db = new Database(dbPath, { readonly: true });
  const expected = rowShape(db, linkTables, probeId);
  const actual = rowShape(db, linkTables, seededDocumentId);
  db.close();
  const keysOf = async (id) => {
    const { json } = await apiRequest(baseUrl, token, 'GET', `/api/articles/${id}?populate=*`);
    const keys = { document: Object.keys(json.data) };
    for (const [name, value] of Object.entries(json.data)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) keys[name] = Object.keys(value);
    }
    return keys;
  };
  expected.apiKeys = await keysOf(probeId);
  actual.apiKeys = await keysOf(seededDocumentId);
  return Object.keys(expected)
    .filter((key) => JSON.stringify(expected[key]) !== JSON.stringify(actual[key]))
    .map((key) => `  ${key}: API ${JSON.stringify(expected[key])} / seed ${JSON.stringify(actual[key])}`);
}
