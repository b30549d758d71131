import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { SchemaError } from '../core/schema/errors.js';
import { ApplicationError } from '../core/errors.js';
import { StartupError } from '../lib/startup-error.js';
import { TransferError } from '../transfer/errors.js';
import { CommandError } from './errors.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerSchema } from './commands/schema.js';
import { registerStart } from './commands/start.js';
import { registerToken } from './commands/token.js';

const program = new Command()
  .name('quorum')
  .description(
    'Quorum — a headless CMS that runs as one service across many nodes, with a Strapi v5 content API',
  )
  .version('0.1.0')
  .showHelpAfterError();

registerStart(program);
registerToken(program);
registerSchema(program);
registerImport(program);
registerExport(program);

// Problems a user can fix are one clear line on stderr and exit code 1; anything else keeps its stack.
// `quorum help <name>` for a name that is no command would print the root help: parse it as the
// unknown command it is, so the user reads "unknown command" (and a suggestion when one is close).
const args = process.argv.slice(2);
const helpOfUnknown =
  args[0] === 'help' && args[1] !== undefined && !program.commands.some((c) => c.name() === args[1]);

program.parseAsync(helpOfUnknown ? args.slice(1) : args, { from: 'user' }).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
    return;
  }
  const expected =
    err instanceof ConfigError ||
    err instanceof SchemaError ||
    err instanceof ApplicationError ||
    err instanceof CommandError ||
    err instanceof StartupError ||
    err instanceof TransferError;
  process.stderr.write(
    `quorum: ${expected || !(err instanceof Error) ? String((err as Error).message ?? err) : err.stack}\n`,
  );
  process.exitCode = 1;
});
