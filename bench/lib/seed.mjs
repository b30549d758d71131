// Bulk seeding in one SQLite transaction. Creating 100,000 documents through the API would take minutes
// (each create is a transaction of a dozen statements, and cuid2's createId alone costs ~0.25 ms), so the
// rows are written with SQL — but exactly as src/core/documents/write.ts writes them for a create that
// publishes (the REST default) without an admin behind it (an API token):
//   - columns and storage conversions come from Quorum's own schema model and SQLite dialect (dist/);
//   - a draft & publish document is a draft row (published_at null) immediately followed by its published
//     copy (the next id, same values, published_at = the creation time), as insertDocument + publishDraft
//     leave it; other types get one row with published_at = created_at; created_by_id / updated_by_id
//     stay null;
//   - created_at = updated_at (= published_at) is the ISO-8601 UTC creation time with milliseconds;
//   - attributes the data leaves out get their schema default, as readInput does on create;
//   - an article's author and category are links from both its rows to the target document
//     (writeOwnerLinks on the draft, copyOwnedLinks on publish): source_ord 0, and target_ord = the
//     number of earlier articles linked to that target (nextTargetOrd counts every row linked to it).
// Not written: outbox events (a steady-state database has delivered and pruned them; 200,000 pending
// events would keep the node's webhook worker busy during the measurements), components and dynamic
// zones (empty, as for an article created without them). verify.mjs checks the rows against a document
// created through the running API.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { CATEGORIES, articleData, authorData, random } from './content.mjs';
import { importDist } from './paths.mjs';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A documentId of cuid2's shape (24 characters, a lowercase letter then base-36). cuid2 itself is far too
 * slow for 200,000 ids; the API never interprets the value beyond its shape.
 */
export function documentId() {
  const bytes = randomBytes(24);
  let id = BASE36[10 + (bytes[0] % 26)];
  for (let i = 1; i < 24; i++) id += BASE36[bytes[i] % 36];
  return id;
}

/**
 * A function that writes one document of `type`; returns its documentId and row ids (draft first).
 */
function documentWriter(db, type, toDb) {
  const scalars = [...type.attributes.values()].filter((a) => a.kind === 'scalar');
  const columns = [
    'document_id',
    'created_at',
    'updated_at',
    'published_at',
    ...scalars.map((a) => a.column),
  ];
  const insert = db.prepare(
    `insert into "${type.tableName}" (${columns.map((c) => `"${c}"`).join(', ')}) ` +
      `values (${columns.map(() => '?').join(', ')})`,
  );
  const rowId = (result) => Number(result.lastInsertRowid);
  return (data, at) => {
    const id = documentId();
    const values = scalars.map((a) => toDb(a.storage, a.name in data ? data[a.name] : (a.default ?? null)));
    const rows = [];
    if (type.draftAndPublish) rows.push(rowId(insert.run(id, at, at, null, ...values)));
    rows.push(rowId(insert.run(id, at, at, at, ...values)));
    return { documentId: id, rows };
  };
}

/**
 * Links of one owning relation attribute (e.g. article.author): `next(target)` is the target_ord the API
 * gives the next document linked to `target`, `insert` writes one row's link. Undefined when this version
 * of Quorum stores no such relation.
 */
function linkWriter(db, relations, ownerUid, attribute) {
  const storage = relations.find((r) => r.owner.uid === ownerUid && r.ownerAttribute.name === attribute);
  if (!storage) return undefined;
  const insert = db.prepare(
    `insert into "${storage.table}" (source_id, target_document_id, source_ord, target_ord) values (?, ?, 0, ?)`,
  );
  const linked = new Map(); // target documentId → owner documents linked to it so far
  return {
    table: storage.table,
    next(target) {
      const ord = linked.get(target) ?? 0;
      linked.set(target, ord + 1);
      return ord;
    },
    insert: (row, target, ord) => insert.run(row, target, ord),
  };
}

const ARTICLES_FROM = Date.parse('2018-01-01T00:00:00.000Z');
const ARTICLES_TO = Date.parse('2025-10-01T00:00:00.000Z');
const PEOPLE_FROM = Date.parse('2017-03-01T09:00:00.000Z');
const DAY = 86_400_000;

/**
 * Seeds authors, categories and articles (creation dates spread evenly over the years, in id order as if
 * created one after another, each with an author and a category). Returns the documentIds of each type in
 * creation order, the link tables written and the time it took.
 */
export async function seedDatabase(app, { articles, authors }) {
  const started = performance.now();
  const { sqliteDialect } = await importDist('db/sqlite/dialect.js');
  const { ownedRelations } = await importDist('core/schema/relations.js');
  const toDb = (storage, value) => sqliteDialect.toDb(storage, value);
  const typeOf = (uid) => {
    const type = app.schema.contentTypes.get(uid);
    if (!type) throw new Error(`the bench app has no content type ${uid}`);
    return type;
  };

  const db = new Database(app.dbPath);
  // Nothing else has the file open, and a crash means a new temp database anyway.
  db.pragma('synchronous = OFF');
  const relations = ownedRelations(app.schema);
  const writeAuthor = documentWriter(db, typeOf('api::author.author'), toDb);
  const writeCategory = documentWriter(db, typeOf('api::category.category'), toDb);
  const writeArticle = documentWriter(db, typeOf('api::article.article'), toDb);
  const linkAuthor = linkWriter(db, relations, 'api::article.article', 'author');
  const linkCategory = linkWriter(db, relations, 'api::article.article', 'category');
  const rand = random(20_180_101);
  const iso = (ms) => new Date(ms).toISOString();
  const ids = { articles: new Array(articles), authors: [], categories: [] };

  db.transaction(() => {
    for (let i = 0; i < authors; i++) {
      ids.authors.push(writeAuthor(authorData(rand, i), iso(PEOPLE_FROM + i * 3 * DAY)).documentId);
    }
    CATEGORIES.forEach((data, i) => {
      ids.categories.push(writeCategory(data, iso(PEOPLE_FROM + 40 * DAY + i * 3_600_000)).documentId);
    });
    const step = (ARTICLES_TO - ARTICLES_FROM) / articles;
    for (let i = 0; i < articles; i++) {
      // Jitter inside each slot keeps creation times increasing with the id, as real creation would.
      const at = iso(ARTICLES_FROM + Math.floor((i + rand() * 0.9) * step));
      const article = writeArticle(articleData(rand, i), at);
      ids.articles[i] = article.documentId;
      if (!linkAuthor || !linkCategory) continue;
      // Some authors write more than others; categories are uneven too.
      const author = ids.authors[Math.floor(rand() ** 1.5 * ids.authors.length)];
      const category = ids.categories[Math.floor(rand() ** 1.3 * ids.categories.length)];
      const authorOrd = linkAuthor.next(author);
      const categoryOrd = linkCategory.next(category);
      // In the API's order: the draft row's links, then their copies on the published row.
      for (const row of article.rows) {
        linkAuthor.insert(row, author, authorOrd);
        linkCategory.insert(row, category, categoryOrd);
      }
    }
  })();
  // BENCH_LOCALE: every article is in that locale (the type is localized, see app.mjs).
  if (process.env.BENCH_LOCALE) db.prepare('update articles set locale = ?').run(process.env.BENCH_LOCALE);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const linkTables = [linkAuthor, linkCategory].filter(Boolean).map((l) => l.table);
  return { ids, linkTables, seedMs: performance.now() - started };
}
