import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { SchemaError } from '../core/schema/errors.js';
import { ApplicationError } from '../core/errors.js';
import { CommandError } from './errors.js';
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

// Problems a user can fix are one clear line on stderr and exit code 1; anything else keeps its stack.
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
    return;
  }
  const expected =
    err instanceof ConfigError ||
    err instanceof SchemaError ||
    err instanceof ApplicationError ||
    err instanceof CommandError;
  process.stderr.write(
    `quorum: ${expected || !(err instanceof Error) ? String((err as Error).message ?? err) : err.stack}\n`,
  );
  process.exitCode = 1;
});
