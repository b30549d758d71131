import pino, { type Logger } from 'pino';

/**
 * One logger per process. Logs go to stderr in every command, so stdout carries only a command's result
 * (a token, a path) and scripts can capture it. Secrets never reach a log line: the redaction list is
 * the last line of defence, not the first.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream | number = 2): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.token',
          '*.secret',
          'password',
          'token',
          'secret',
        ],
        censor: '[redacted]',
      },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: false }) : destination,
  );
}
