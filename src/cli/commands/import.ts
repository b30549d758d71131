import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createStorage } from '../../media/storage/index.js';
import { announceFromOutside, TOPICS } from '../../node/cluster.js';
import { openDatabase } from '../../node/database.js';
import { ALGORITHMS, type Algorithm } from '../../transfer/archive/index.js';
import { DEFAULT_BATCH_SIZE, importArchive, type ImportSummary } from '../../transfer/import/run.js';
import { createProgress, SILENT_PROGRESS } from '../../transfer/progress.js';
import { commandContext, output, type CommonOptions } from '../command-context.js';
import { CommandError } from '../errors.js';

interface ImportCommandOptions extends CommonOptions {
  key?: string;
  algorithm?: string;
  dryRun?: boolean;
  force?: boolean;
  schemas?: boolean;
  batchSize?: string;
}

/**
 * A test-only hook: the process kills itself (SIGKILL, nothing flushed) after this many committed
 * batches, to show that running the command again resumes. Honoured only under vitest.
 */
const STOP_AFTER = 'QUORUM_TEST_IMPORT_KILL_AFTER_BATCHES';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'load an archive written by `strapi export` (.tar, .tar.gz, encrypted with --key) into the database',
    )
    .argument('<archive>', 'the archive file')
    .option('--app <dir>', 'app directory (default: current directory)')
    .option('--key <key>', 'the encryption key the archive was exported with')
    .option(
      '--algorithm <name>',
      `the cipher of an encrypted archive (${ALGORITHMS.join(', ')})`,
      'aes-128-ecb',
    )
    .option('--dry-run', 'read and check the archive, print what would be written, write nothing')
    .option('--force', 'import into a database that already holds documents, replacing them')
    .option('--schemas', "create the archive's types that the app does not define, as database-owned types")
    .option('--batch-size <n>', 'entity lines per transaction', String(DEFAULT_BATCH_SIZE))
    .action(async (archive: string, options: ImportCommandOptions) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new CommandError('--batch-size must be a positive integer');
      if (!(ALGORITHMS as readonly string[]).includes(options.algorithm ?? ''))
        throw new CommandError(`--algorithm must be one of ${ALGORITHMS.join(', ')}`);
      const { config, logger } = commandContext(options);
      const dryRun = options.dryRun === true;
      const { database, sync } = await openDatabase(config, logger, { dryRun });
      const stopAfter = process.env.VITEST ? Number(process.env[STOP_AFTER] ?? 0) : 0;
      try {
        const summary = await importArchive({
          file: path.resolve(archive),
          key: options.key,
          algorithm: options.algorithm as Algorithm,
          database,
          schema: sync.schema,
          storage: createStorage(config, database),
          dryRun,
          force: options.force === true,
          importSchemas: options.schemas === true,
          batchSize,
          progress: dryRun ? SILENT_PROGRESS : createProgress(process.stderr),
          // Only a person at a terminal is asked; a script gets the refusal and its reason.
          confirmReplace: process.stdin.isTTY ? confirmReplace : undefined,
          afterBatch:
            stopAfter > 0 ? (n) => n >= stopAfter && process.kill(process.pid, 'SIGKILL') : undefined,
        });
        // Nodes already running on this database drop what they cached (answers, totals, roles, users).
        if (summary.written || summary.createdTypes.length)
          for (const topic of [TOPICS.schema, TOPICS.content, TOPICS.permissions, TOPICS.users])
            await announceFromOutside(config, database, topic, logger);
        for (const line of describe(summary)) output(line);
      } finally {
        await database.close();
        logger.flush();
      }
    });
}

async function confirmReplace(documents: number): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `The database holds ${documents} documents. Replace them with the archive's? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** The summary (a dry run's plan, or what was written): one fact per line, on stdout. */
export function describe(summary: ImportSummary): string[] {
  const { scan } = summary;
  const lines: string[] = [];
  lines.push(`archive: Strapi ${scan.metadata.strapi.version}, exported ${scan.metadata.createdAt}`);
  if (summary.alreadyImported) {
    lines.push(
      `already imported into this database (import started ${summary.alreadyImported}): nothing to do`,
    );
    return lines;
  }
  const verb = summary.dryRun ? 'would write' : 'wrote';
  for (const [uid, counts] of [...scan.entities].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      `${verb} ${uid}: ${counts.documents.size} documents (${counts.published} published, ${counts.drafts} drafts)`,
    );
  lines.push(`${verb} ${scan.links.written} links`);
  for (const [reason, n] of scan.links.skipped) lines.push(`skipped ${n} links: ${reason}`);
  lines.push(`${verb} ${scan.assets.files} files (${scan.assets.bytes} bytes) into the storage`);
  for (const [uid, n] of [...scan.skippedEntities].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      `skipped ${uid}: ${n} rows (${scan.schemas.internal.includes(uid) ? "Strapi's own type, Quorum has its own" : 'not defined by the app'})`,
    );
  if (scan.otherLocales)
    lines.push(`skipped ${scan.otherLocales} rows in other locales (Quorum serves one locale)`);
  for (const uid of scan.schemas.missing)
    lines.push(
      summary.createdTypes.includes(uid)
        ? `${summary.dryRun ? 'would create' : 'created'} ${uid} (database-owned, from the archive's schema)`
        : `missing from the app: ${uid} (add its schema file, or import with --schemas)`,
    );
  for (const [uid, keys] of scan.ignoredKeys)
    lines.push(`ignored ${uid} fields the app does not define: ${[...keys].join(', ')}`);
  if (summary.replaced)
    lines.push(`${summary.dryRun ? 'would replace' : 'replaced'} ${summary.replaced} documents`);
  if (summary.resumedFrom) lines.push(`resumed after ${summary.resumedFrom} items written by an earlier run`);
  if (summary.written) {
    const rate = Math.round(summary.written.rows / Math.max(summary.seconds, 0.001));
    lines.push(
      `done in ${summary.seconds.toFixed(1)} s: ${summary.written.rows} rows (${rate}/s), ${summary.written.links} links, ${summary.written.files} files, ${summary.written.batches} batches`,
    );
  }
  return lines;
}
