import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** What the receiver answered (0: it dropped the connection). */
  readonly status: number;
}

/** What to answer: a status code, or `drop` to destroy the connection without an answer. */
export type Behaviour = (request: {
  headers: IncomingHttpHeaders;
  body: string;
  n: number;
}) => number | 'drop';

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request (also those it fails) and answers
 * as `behaviour` says (200 by default). `down()` closes the port (connections refused) until `up()`.
 */
export class Receiver {
  readonly requests: Received[] = [];
  behaviour: Behaviour = () => 200;
  #server: Server | undefined;
  #port = 0;
  readonly #sockets = new Set<Socket>();

  static async start(behaviour?: Behaviour): Promise<Receiver> {
    const receiver = new Receiver();
    if (behaviour) receiver.behaviour = behaviour;
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hook`;
  }

  /** Only the requests it answered with a 2xx. */
  get accepted(): Received[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = this.behaviour({ headers: req.headers, body, n: this.requests.length });
        this.requests.push({
          headers: req.headers,
          body,
          at: Date.now(),
          status: answer === 'drop' ? 0 : answer,
        });
        if (answer === 'drop') req.socket.destroy();
        else
          res
            .writeHead(answer, { 'content-type': 'text/plain' })
            .end(answer < 300 ? 'ok' : 'failed on purpose');
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and cuts open connections: requests are refused until up(). */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }
}
