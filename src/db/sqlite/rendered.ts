import { sql, type Expression } from 'kysely';
import { RENDERED_JSON_COLUMN, RENDERED_SHAPE_COLUMN, type StoredRendering } from '../dialect.js';
import type { Executor } from '../types.js';

const TRIGGER_PREFIX = 'quorum_render_';
/** The shape literal a rendering trigger assigns (see `assign` below). */
const SHAPE_IN_TRIGGER = new RegExp(`"${RENDERED_SHAPE_COLUMN}" = '([^']*)'`);

/** Trigger bodies cannot hold bound parameters: the expression must compile to SQL text alone. */
async function run(trx: Executor, statement: Expression<unknown>): Promise<void> {
  const compiled = sql`${statement}`.compile(trx);
  if (compiled.parameters.length) throw new Error('a rendering statement must not bind parameters');
  await trx.executeQuery(compiled);
}

export const sqliteStoredRendering: StoredRendering = {
  async dropTriggers(trx) {
    const { rows } = await sql<{ name: string; tbl_name: string; sql: string }>`select name, tbl_name, sql
      from sqlite_master where type = 'trigger' and substr(name, 1, ${TRIGGER_PREFIX.length}) = ${TRIGGER_PREFIX}`.execute(
      trx,
    );
    const kept = new Map<string, string>();
    for (const row of rows) {
      const shape = SHAPE_IN_TRIGGER.exec(row.sql)?.[1];
      if (shape !== undefined && row.name.endsWith('_insert')) kept.set(row.tbl_name, shape);
      await sql`drop trigger ${sql.id(row.name)}`.execute(trx);
    }
    return kept;
  },

  async install(trx, { table, shape, keptShape, columns, render }) {
    const existing = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(trx);
    const present = new Set(existing.rows.map((row) => row.name));
    let added = false;
    for (const column of [RENDERED_JSON_COLUMN, RENDERED_SHAPE_COLUMN]) {
      if (present.has(column)) continue;
      await sql`alter table ${sql.table(table)} add column ${sql.id(column)} text`.execute(trx);
      added = true;
    }
    const assign = (alias: string) =>
      sql`${sql.id(RENDERED_JSON_COLUMN)} = ${render(alias)}, ${sql.id(RENDERED_SHAPE_COLUMN)} = ${sql.lit(shape)}`;
    // Rows written before this shape (or before rendering existed) are rendered once, here. When the
    // triggers already kept this shape, every row has it: skip the scan, which costs start time and
    // fills the page cache with the whole table.
    if (added || keptShape !== shape) {
      await run(
        trx,
        sql`update ${sql.table(table)} set ${assign(table)} where ${sql.id(RENDERED_SHAPE_COLUMN)} is not ${sql.lit(shape)}`,
      );
    }
    const body = sql`update ${sql.table(table)} set ${assign('new')} where ${sql.id('id')} = ${sql.ref('new.id')};`;
    await run(
      trx,
      sql`create trigger ${sql.id(`${TRIGGER_PREFIX}${table}_insert`)} after insert on ${sql.table(table)} begin ${body} end`,
    );
    await run(
      trx,
      sql`create trigger ${sql.id(`${TRIGGER_PREFIX}${table}_update`)} after update of ${sql.join(
        columns.map((column) => sql.id(column)),
      )} on ${sql.table(table)} begin ${body} end`,
    );
  },
};
