import type { Command } from 'commander';
import { commandContext, type CommonOptions } from '../context.js';
import { CommandError } from '../errors.js';

interface StartOptions extends CommonOptions {
  port?: string;
  host?: string;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a Quorum node serving the app directory')
    .option('--app <dir>', 'app directory (default: current directory)')
    .option('--port <n>', 'port to listen on (default 1337, or PORT)')
    .option('--host <h>', 'interface to listen on (default 0.0.0.0, or HOST)')
    .action(async (options: StartOptions) => {
      const port = options.port === undefined ? undefined : parsePort(options.port);
      const { config, logger } = commandContext(options, { port, host: options.host });
      const started = Date.now();
      // Loaded here, not at the top: the HTTP stack is the heaviest import and only `start` needs it.
      const [{ createNode }, { printDemoAccess }] = await Promise.all([
        import('../../node/node.js'),
        import('../../node/demo.js'),
      ]);
      const node = await createNode(config, { logger });
      const url = await node.listen();
      logger.info({ url, ms: Date.now() - started, database: config.database.kind }, 'Quorum node ready');
      if (config.demo.banner || config.demo.printReadOnlyToken) await printDemoAccess(node, url);

      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal, drainMs: config.server.drainMs }, 'draining before shutdown');
        node.stop().then(
          () => {
            logger.info('stopped');
            logger.flush();
            process.exitCode = 0;
          },
          (err: Error) => {
            logger.error({ err }, 'error while stopping');
            process.exitCode = 1;
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CommandError(`--port must be an integer between 0 and 65535`);
  return port;
}
