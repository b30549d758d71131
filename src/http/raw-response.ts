import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../core/error-codes.js';
import { ERROR_CODE_HEADER } from './errors.js';

/**
 * Answers on a bare socket, for requests that never reach Fastify (Node's parser refused them, or a
 * CONNECT): Strapi's error shape all the same, then the connection is closed.
 */
export function endWithError(
  socket: Duplex,
  status: number,
  reason: string,
  error: { name: string; message: string; code: ErrorCode },
  headers: Record<string, string> = {},
): void {
  const { name, message, code } = error;
  const body = JSON.stringify({ data: null, error: { status, name, message, details: {} } });
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${ERROR_CODE_HEADER}: ${code}`,
    ...Object.entries(headers).map(([header, value]) => `${header}: ${value}`),
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
