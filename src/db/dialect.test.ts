import fc from 'fast-check';
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/helpers/each-database.js';
import { openUnitDatabase } from '../../test/helpers/unit-database.js';
import { LIST_PLACEHOLDER, type MatchMode } from './dialect.js';
import { bindList, equalsFolded, matchFolded } from './dialect-helpers.js';
import type { Database } from './types.js';

/**
 * The SqlDialect contract (dialect.ts), run on each database against JavaScript's own answer: `match`
 * is a literal, case-sensitive substring/prefix/suffix test whatever the value holds (LIKE's `% _ \`,
 * GLOB's `* ? [`); the folded forms agree with String#toLowerCase, Unicode included (SQLite's fast
 * ASCII path must not change the answer for İ or the Kelvin sign); `inList` binds a whole list as one
 * parameter; `setFence` leaves a subquery's answer as it is.
 */

// Values a row may hold: every metacharacter of both databases, and the characters whose case mapping
// differs between ASCII-only and full Unicode folding.
const ROWS = [
  '',
  'a',
  'A',
  'abc',
  'ABC',
  'a%c',
  'a_c',
  'a\\c',
  'a*c',
  'a?c',
  'a[b]c',
  '[ab]',
  '%',
  '_',
  '\\',
  '*',
  '?',
  '[',
  ']',
  '^a-c',
  '100%',
  'İstanbul',
  'istanbul',
  'i̇stanbul',
  '\u212Aelvin',
  'kelvin',
  'KELVIN',
  'Straße',
  'ΣΑΣ',
  'σας',
  "it's",
  'a,b',
];
const CHARACTERS = [
  'a',
  'A',
  'b',
  'c',
  '%',
  '_',
  '\\',
  '*',
  '?',
  '[',
  ']',
  '^',
  '-',
  'İ',
  'i',
  '\u212A',
  'k',
  'ß',
  'Σ',
  "'",
];
const MODES: readonly MatchMode[] = ['contains', 'startsWith', 'endsWith'];

function jsMatch(row: string, mode: MatchMode, value: string): boolean {
  return mode === 'contains'
    ? row.includes(value)
    : mode === 'startsWith'
      ? row.startsWith(value)
      : row.endsWith(value);
}

/** Search values: pieces of the rows (so that some match) and strings of metacharacters. */
const values = fc.oneof(
  fc
    .tuple(fc.constantFrom(...ROWS), fc.nat(), fc.nat())
    .map(([row, a, b]) => row.slice(Math.min(a, b) % (row.length + 1), Math.max(a, b) % (row.length + 1))),
  fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 4 }).map((chars) => chars.join('')),
);

describeEachDatabase('the SQL dialect', (kind) => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openUnitDatabase(kind));
    await sql`create table samples (id integer primary key, v text not null)`.execute(database.db);
    for (const [id, v] of ROWS.entries())
      await sql`insert into samples (id, v) values (${id}, ${v})`.execute(database.db);
  });
  afterAll(() => close?.());

  const v = sql.ref('v');
  async function rowsWhere(condition: RawBuilder<SqlBool>): Promise<string[]> {
    const { rows } = await sql<{ v: string }>`select v from samples where ${condition} order by id`.execute(
      database.db,
    );
    return rows.map((row) => row.v);
  }

  it('match is literal and case-sensitive for every mode and value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MODES), values, async (mode, value) => {
        const expected = ROWS.filter((row) => jsMatch(row, mode, value));
        expect(
          await rowsWhere(database.dialect.match(v, mode, value)),
          `${mode} ${JSON.stringify(value)}`,
        ).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('matchFolded agrees with String#toLowerCase on both sides', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MODES), values, async (mode, value) => {
        const folded = value.toLowerCase();
        const expected = ROWS.filter((row) => jsMatch(row.toLowerCase(), mode, folded));
        expect(
          await rowsWhere(matchFolded(database.dialect, v, mode, folded)),
          `${mode} ${JSON.stringify(value)}`,
        ).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('equalsFolded and lower agree with String#toLowerCase', async () => {
    for (const value of [...ROWS, 'İSTANBUL', 'KELVİN', 'straße']) {
      const folded = value.toLowerCase();
      const expected = ROWS.filter((row) => row.toLowerCase() === folded);
      expect(await rowsWhere(equalsFolded(database.dialect, v, folded)), JSON.stringify(value)).toEqual(
        expected,
      );
    }
    const { rows } = await sql<{
      id: number;
      lowered: string;
    }>`select id, ${database.dialect.lower(v)} as lowered from samples order by id`.execute(database.db);
    expect(rows.map((row) => row.lowered)).toEqual(ROWS.map((row) => row.toLowerCase()));
  });

  describe('inList', () => {
    const id = sql.ref('id') as Expression<unknown>;

    it('matches the listed integers or texts, punctuation included, and nothing for an empty list', async () => {
      expect(await rowsWhere(database.dialect.inList(id, [1, 3, 5], 'integer'))).toEqual([
        ROWS[1],
        ROWS[3],
        ROWS[5],
      ]);
      expect(
        await rowsWhere(database.dialect.inList(v, ["it's", 'a,b', 'a%c', 'İstanbul', 'nowhere'], 'text')),
      ).toEqual(['a%c', 'İstanbul', "it's", 'a,b']);
      expect(await rowsWhere(database.dialect.inList(id, [], 'integer'))).toEqual([]);
    });

    it('binds the whole list as one parameter, so one SQL text serves lists of any length', async () => {
      const compiled = sql<{
        v: string;
      }>`select v from samples where ${database.dialect.inList(id, LIST_PLACEHOLDER, 'integer')} order by id`.compile(
        database.db,
      );
      expect(compiled.parameters).toEqual([LIST_PLACEHOLDER]);
      for (const list of [[2], [0, 4, 6, 8], Array.from({ length: 500 }, (_, i) => i * 2)]) {
        const { rows } = await database.db.executeQuery<{ v: string }>(
          bindList(compiled, database.dialect, list),
        );
        expect(rows.map((row) => row.v)).toEqual(ROWS.filter((_, i) => list.includes(i)));
      }
    });
  });

  it('setFence may end a subquery without changing what it answers (an optimization fence on PostgreSQL)', async () => {
    const fence = database.dialect.setFence;
    expect(await rowsWhere(sql<SqlBool>`id in (select id from samples where id > ${10}${fence})`)).toEqual(
      ROWS.slice(11),
    );
    // OFFSET 0 keeps PostgreSQL from pulling the subquery up into the outer query's joins; SQLite
    // computes such a set once by itself (see relatedExists in core/query/compile.ts).
    expect(fence.compile(database.db).sql).toBe(kind === 'postgres' ? ' offset 0' : '');
  });
});
