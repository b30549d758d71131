import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/helpers/each-database.js';
import {
  filterPath,
  openQueryDatabase,
  sortPath,
  type QueryDatabase,
} from '../../../test/helpers/query-database.js';
import { compileFind } from './compile.js';

/**
 * The compiler's SQL, read as text: the properties that keep deep filters and relation sorts linear in
 * the length of their path (docs/architecture.md, "Deep filters and relation sorts cost time linear in
 * the path's length"). Every statement is also run on the database, so the shapes asserted are SQL the
 * database accepts. What the statements answer is checked end to end (test/content-api/deep-paths).
 */

/** Each parenthesised `in (select …)` set of a statement, without its parentheses. */
function matchingSets(sql: string): string[] {
  const sets: string[] = [];
  for (let start = sql.indexOf('in (select '); start >= 0; start = sql.indexOf('in (select ', start + 1)) {
    let depth = 0;
    for (let i = start + 3; i < sql.length; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')' && --depth === 0) {
        sets.push(sql.slice(start + 4, i));
        break;
      }
    }
  }
  return sets;
}

/** Table aliases a text refers to (`"alias"."column"`) and those it declares (`as "alias"`). */
function aliases(sql: string): { used: Set<string>; declared: Set<string> } {
  return {
    used: new Set([...sql.matchAll(/"(\w+)"\."/g)].map((m) => m[1])),
    declared: new Set([...sql.matchAll(/ as "(\w+)"/g)].map((m) => m[1])),
  };
}

describeEachDatabase('the query compiler', (kind) => {
  let q: QueryDatabase;
  beforeAll(async () => {
    q = await openQueryDatabase(kind);
  });
  afterAll(() => q?.close());

  async function compile(raw: object) {
    const compiled = compileFind(q.database, q.articles(raw));
    await q.database.db.executeQuery(compiled.rows);
    if (compiled.count) await q.database.db.executeQuery(compiled.count);
    return compiled;
  }

  describe('a filter through relations', () => {
    it('correlates only its first hop with the outer row; every deeper hop is an uncorrelated set', async () => {
      const { count } = await compile({ filters: filterPath(4) });
      const sql = count!.sql;
      // One exists per hop, and the outermost one is keyed on the outer row.
      expect(sql.match(/exists \(select 1 from/g)).toHaveLength(4);
      expect(sql).toContain('where "r1_l"."source_id" = "t"."id" and "r1_l"."target_document_id" in (select');
      const sets = matchingSets(sql);
      expect(sets).toHaveLength(4);
      for (const set of sets) {
        const { used, declared } = aliases(set);
        // Nothing outside the set: the database computes it once per statement, not once per outer row.
        expect(
          [...used].filter((alias) => !declared.has(alias)),
          set,
        ).toEqual([]);
      }
    });

    it('walks an inverse side (mappedBy) from the document id, an owning side from the row id', async () => {
      const { count } = await compile({ filters: filterPath(2) });
      expect(count!.sql).toContain('"r1_l"."source_id" = "t"."id"');
      expect(count!.sql).toContain('"r2_l"."target_document_id" = "r1"."document_id"');
    });

    it('fences every set on PostgreSQL (offset 0), so its planner cannot merge it back; SQLite needs none', async () => {
      const sets = matchingSets((await compile({ filters: filterPath(3) })).count!.sql);
      expect(sets).toHaveLength(3);
      for (const set of sets)
        if (kind === 'postgres') expect(set).toMatch(/ offset 0$/);
        else expect(set).not.toMatch(/offset/);
    });

    it('grows by the same amount of SQL for every two hops added', async () => {
      const lengths: number[] = [];
      for (let hops = 1; hops <= 8; hops++)
        lengths.push((await compile({ filters: filterPath(hops) })).count!.sql.length);
      const growth = lengths.slice(2).map((length, i) => length - lengths[i]);
      expect(new Set(growth).size, `${growth}`).toBe(1);
    });
  });

  describe('a sort through relations', () => {
    it('selects one plain key column of the first related row per hop, the next hop keyed on it', async () => {
      const { rows } = await compile({ sort: sortPath(3) });
      expect(rows.sql.match(/ limit 1\)/g)).toHaveLength(3);
      // Every hop's subquery selects a column, never the next hop's subquery (which every candidate row
      // would evaluate before `limit 1` kept one: exponential in the path's length).
      const selects = [...rows.sql.matchAll(/\(select ([^ ]+) from/g)].map((m) => m[1]);
      // The keys are what the next hop starts from: a document id into an inverse side, a row id into
      // an owning side.
      expect(selects).toEqual(['"s3"."name"', '"s2"."id"', '"s1"."document_id"']);
      expect(rows.sql).toContain('where "s1_l"."source_id" = "t"."id"');
      expect(rows.sql).toMatch(/desc nulls last, "t"\."id" desc limit 25 offset 0$/);
    });

    it('grows by the same amount of SQL for every two hops added', async () => {
      const lengths: number[] = [];
      for (let hops = 1; hops <= 8; hops++)
        lengths.push((await compile({ sort: sortPath(hops) })).rows.sql.length);
      const growth = lengths.slice(2).map((length, i) => length - lengths[i]);
      expect(new Set(growth).size, `${growth}`).toBe(1);
    });
  });

  describe('components', () => {
    it('are filtered through their parent row directly, without a link table', async () => {
      const { count } = await compile({ filters: { seo: { metaTitle: { $eq: 'x' } } } });
      expect(count!.sql).toContain(
        'exists (select 1 from "components_shared_seos" as "r1" where "r1"."parent_id" = "t"."id" and "r1"."parent_type" = ',
      );
      expect(count!.sql).not.toContain('_lnk');
      expect(count!.parameters).toEqual(['api::article.article', 'seo', 'x']);
    });

    it('are sorted by the first entry of the parent row', async () => {
      const { rows } = await compile({ sort: 'seo.metaTitle:asc' });
      expect(rows.sql).toContain(
        '(select "s1"."meta_title" from "components_shared_seos" as "s1" where "s1"."parent_id" = "t"."id"',
      );
      expect(rows.sql).toContain('order by "s1"."ord", "s1"."id" limit 1) asc nulls first');
    });
  });

  it('writes the page window into the SQL text instead of binding it', async () => {
    const { rows, count } = await compile({ pagination: { page: 3, pageSize: 10 } });
    expect(rows.sql).toMatch(/ limit 10 offset 20$/);
    expect(rows.parameters).toEqual([]);
    expect(count!.sql).not.toMatch(/limit|offset/);
  });
});
