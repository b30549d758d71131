import type { Command } from 'commander';
import { commandContext, type CommonOptions } from '../command-context.js';
import { CommandError } from '../errors.js';
import { handleStopSignals } from '../signals.js';

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
      const [{ createNode }, { printDemoAccess }, { assertCanListen, listenError }] = await Promise.all([
        import('../../node/node.js'),
        import('../../node/demo.js'),
        import('../../node/port-check.js'),
      ]);
      const { host, port: listenPort } = config.server;
      // Before the database: a port in use must not cost migrations, a seed and a leader election.
      await assertCanListen(host, listenPort);
      const node = await createNode(config, { logger });
      let url: string;
      try {
        url = await node.listen();
      } catch (err) {
        // Taken between the check and now: leave the cluster and the database cleanly, then say why.
        await node.stop({ drainMs: 0 }).catch(() => undefined);
        throw listenError(err, host, listenPort);
      }
      logger.info({ url, ms: Date.now() - started, database: config.database.kind }, 'Quorum node ready');
      if (config.demo.banner || config.demo.printReadOnlyToken) await printDemoAccess(node, url);

      handleStopSignals({
        logger,
        drainMs: config.server.drainMs,
        interactive: process.stdin.isTTY === true,
        stop: (drainMs) => node.stop({ drainMs }),
      });
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CommandError(`--port must be an integer between 0 and 65535`);
  return port;
}
