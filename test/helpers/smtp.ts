import net from 'node:net';

/**
 * A small SMTP server on a loopback port, enough for nodemailer (EHLO, MAIL, RCPT, DATA, QUIT), so the
 * `smtp` provider is tested over a real socket. It can hold its greeting (a mail server that does not
 * answer yet) and refuse a number of messages with a temporary error (451), as a flaky server would.
 */
export interface TestSmtpServer {
  readonly port: number;
  /** Messages received, in order: envelope recipients and the raw DATA (dot-unstuffed). */
  readonly messages: { to: string[]; data: string }[];
  /** Connections opened so far. */
  readonly connections: number;
  /** Until release(), new connections get no greeting (the client waits). */
  hold(): void;
  release(): void;
  /** The next `n` messages are refused at MAIL FROM with 451. */
  refuseNext(n: number): void;
  /** Refuses every message from now on (451), until refuseNext(0). */
  refuseAll(): void;
  /** Resolves when `n` messages have been received in all. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: { to: string[]; data: string }[] = [];
  const sockets = new Set<net.Socket>();
  const waiting: { n: number; resolve: () => void }[] = [];
  const greetings: (() => void)[] = [];
  let held = false;
  let refusals = 0;
  let connections = 0;

  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.writable && socket.write(`${line}\r\n`);
    let buffer = '';
    let inData = false;
    let data = '';
    let to: string[] = [];
    let ready = false;
    const greet = () => {
      ready = true;
      reply('220 test.smtp ESMTP ready');
      drain();
    };
    const handle = (line: string) => {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') {
        socket.write('250-test.smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      } else if (verb === 'HELO') {
        reply('250 test.smtp');
      } else if (verb === 'MAIL') {
        if (refusals > 0) {
          if (refusals !== Infinity) refusals--;
          reply('451 4.3.0 try again later');
        } else {
          to = [];
          reply('250 OK');
        }
      } else if (verb === 'RCPT') {
        to.push(/<([^>]*)>/.exec(line)?.[1] ?? line);
        reply('250 OK');
      } else if (verb === 'DATA') {
        inData = true;
        data = '';
        reply('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'RSET') {
        to = [];
        reply('250 OK');
      } else if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
      } else {
        reply('250 OK');
      }
    };
    const drain = () => {
      if (!ready) return;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ to, data });
            reply('250 OK queued');
            for (const w of waiting.splice(0))
              if (messages.length >= w.n) w.resolve();
              else waiting.push(w);
          } else {
            data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          }
        } else {
          handle(line);
        }
      }
    };
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      drain();
    });
    if (held) greetings.push(greet);
    else greet();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    messages,
    get connections() {
      return connections;
    },
    hold: () => void (held = true),
    release() {
      held = false;
      for (const greet of greetings.splice(0)) greet();
    },
    refuseNext: (n) => void (refusals = n),
    refuseAll: () => void (refusals = Infinity),
    received(n) {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ n, resolve }));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
