import pino, { type Logger } from 'pino';
import { redactUrl } from '../lib/redact-url.js';

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
      // Any `url` logged (the access log, an error naming a request) loses its one-time codes.
      serializers: { url: (url: unknown) => (typeof url === 'string' ? redactUrl(url) : url) },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: false }) : destination,
  );
}
