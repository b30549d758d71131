import { existsSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { connectDatabase } from '../../db/connect.js';
import { appSchemaFiles } from '../../node/schema-files.js';
import type { Database } from '../../db/types.js';
import {
  archiveFileName,
  EXPORT_PARTS,
  exportArchive,
  exportSources,
  type ExportPart,
  type ExportSummary,
} from '../../transfer/export/index.js';
import { createProgress } from '../../transfer/progress.js';
import { commandContext, output, type CommonOptions } from '../command-context.js';
import { CommandError } from '../errors.js';

interface ExportOptions extends CommonOptions {
  compress: boolean;
  encrypt: boolean;
  key?: string;
  force?: boolean;
  only?: string;
  exclude?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write the database to a Strapi transfer archive (what `strapi export` writes, `strapi import` reads)',
    )
    .argument('<archive>', 'the file to write; .tar.gz (or .tar, .enc) is added unless it ends so already')
    .option('--no-compress', 'write a plain .tar instead of a .tar.gz')
    .option('--key <passphrase>', 'encrypt the archive with this key, as `strapi export --key` does')
    .option('--no-encrypt', 'do not encrypt (the default without --key)')
    .option('--only <parts>', `export only these, comma-separated: ${EXPORT_PARTS.join(', ')}`)
    .option('--exclude <parts>', `leave these out, comma-separated: ${EXPORT_PARTS.join(', ')}`)
    .option('--force', 'replace the file if it exists')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(async (archive: string, options: ExportOptions) => {
      if (options.key !== undefined && !options.encrypt)
        throw new CommandError('--key and --no-encrypt contradict each other: pass one of them');
      if (options.key === '') throw new CommandError('--key needs a passphrase');
      const parts = chosenParts(options);
      const gzip = options.compress;
      const file = archiveFileName(archive, { gzip, encrypt: options.key !== undefined });
      if (!file)
        throw new CommandError(
          `${archive}: the name must end in .tar${gzip ? '.gz' : ''}${options.key !== undefined ? '.enc' : ''} for these options (or have no such ending: it is added)`,
        );
      const force = options.force === true || (existsSync(file) && (await confirmReplace(file)));
      const { config, logger } = commandContext(options);
      // Opening a SQLite path creates the file: an export must not leave an empty database behind.
      const sqlitePath = config.database.kind === 'sqlite' ? config.database.sqlitePath : undefined;
      if (sqlitePath && sqlitePath !== ':memory:' && !existsSync(sqlitePath))
        throw new CommandError(`there is no database at ${sqlitePath} (check DATABASE_URL and --app)`);
      const database = await connectDatabase(config, logger);
      const stopListening = removeOnSignal();
      let summary: ExportSummary;
      try {
        await assertQuorumDatabase(database);
        summary = await exportArchive({
          database,
          ...exportSources(config),
          schemaFiles: appSchemaFiles(config.appDir),
          file,
          gzip,
          key: options.key,
          force,
          parts,
          progress: createProgress(process.stderr),
          onTemporary: (paths) => stopListening.add(paths),
        });
      } finally {
        stopListening.done();
        await database.close();
        logger.flush();
      }
      printSummary(summary);
      output(summary.file);
    });
}

/**
 * Ctrl-C or a SIGTERM while the export runs: remove its temporary files (the half-written archive, the
 * spooled lines) and exit as a signalled process does; nothing is left beside the archive's name.
 */
function removeOnSignal(): { add(paths: readonly string[]): void; done(): void } {
  const paths: string[] = [];
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      for (const p of paths) rmSync(p, { recursive: true, force: true });
      process.stderr.write(`\nquorum: export interrupted (${signal}); nothing was written\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return {
    add: (more) => paths.push(...more),
    done: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}

function chosenParts(options: ExportOptions): Set<ExportPart> {
  const parse = (flag: string, value: string) => {
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    for (const name of names)
      if (!(EXPORT_PARTS as readonly string[]).includes(name))
        throw new CommandError(`${flag}: unknown part "${name}" (expected ${EXPORT_PARTS.join(', ')})`);
    return names as ExportPart[];
  };
  if (options.only !== undefined && options.exclude !== undefined)
    throw new CommandError('--only and --exclude cannot be used together');
  if (options.only !== undefined) return new Set(parse('--only', options.only));
  const excluded = new Set(options.exclude !== undefined ? parse('--exclude', options.exclude) : []);
  return new Set(EXPORT_PARTS.filter((part) => !excluded.has(part)));
}

/** Asked only on a terminal; anywhere else an existing file is refused (exportArchive says so). */
async function confirmReplace(file: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${file} exists. Replace it? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CommandError(`${file} exists: left as it was`);
    return true;
  } finally {
    prompt.close();
  }
}

/** An export reads what a node wrote; a database no node has started on holds nothing to export. */
async function assertQuorumDatabase(database: Database): Promise<void> {
  const found = await sql`select 1 from quorum_schemas limit 1`.execute(database.db).then(
    () => true,
    () => false,
  );
  if (!found)
    throw new CommandError(
      'the database holds no Quorum schema: start a node on it once (or check DATABASE_URL)',
    );
}

function printSummary(summary: ExportSummary): void {
  const { counts } = summary;
  const lines = [
    `exported ${counts.entities.toLocaleString('en-US')} entities, ${counts.links.toLocaleString('en-US')} links, ` +
      `${counts.assets.toLocaleString('en-US')} files (${formatBytes(summary.assetBytes)}), ` +
      `${counts.schemas} schemas, ${counts.configuration} configuration line${counts.configuration === 1 ? '' : 's'} ` +
      `to ${summary.file} (${formatBytes(summary.bytes)}) in ${formatSeconds(summary.ms)}`,
  ];
  for (const missing of summary.missingAssets)
    lines.push(`warning: file ${missing.fileId}: ${missing.filename} is not in the storage; left out`);
  process.stderr.write(lines.join('\n') + '\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
