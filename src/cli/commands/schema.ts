import path from 'node:path';
import type { Command } from 'commander';
import { exportSchema } from '../../core/schema/export.js';
import { openDatabase } from '../../node/database.js';
import { commandContext, output, type CommonOptions } from '../command-context.js';

export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('inspect and change the database schema');

  schema
    .command('apply')
    .description('apply the app directory schema to the database; prints the steps applied')
    .option(
      '--allow-destructive',
      'also apply changes that delete data (dropped attributes or types, retypes)',
    )
    .option('--dry-run', 'print the steps without applying them')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(async (options: CommonOptions & { allowDestructive?: boolean; dryRun?: boolean }) => {
      const { config, logger } = commandContext(options);
      const dryRun = options.dryRun === true;
      const allowDestructive = options.allowDestructive === true;
      const { database, sync } = await openDatabase(config, logger, {
        // A dry run changes nothing, so it shows the whole plan, destructive steps included.
        allowDestructive: allowDestructive || dryRun,
        dryRun,
      });
      await database.close();
      for (const step of sync.steps) output(`${step.destructive ? '! ' : ''}${step.description}`);
      if (sync.steps.length === 0) logger.info('schema is up to date');
      else if (dryRun && !allowDestructive && sync.steps.some((step) => step.destructive))
        logger.warn(
          'steps marked "!" delete data: apply them with `quorum schema apply --allow-destructive`',
        );
      logger.flush();
    });

  schema
    .command('export')
    .description('write every content type and component (runtime ones included) as Strapi-layout files')
    .option('--out <dir>', 'directory to write into (default: the app directory)')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(async (options: CommonOptions & { out?: string }) => {
      const { config, logger } = commandContext(options);
      const { database, sync } = await openDatabase(config, logger);
      await database.close();
      const outDir = path.resolve(options.out ?? config.appDir);
      const files = exportSchema(sync.schema, outDir);
      logger.info({ files: files.length }, 'exported schema');
      logger.flush();
      output(outDir);
    });
}
