// The baseline: a bare Fastify 5 server on the same machine, in the same run. Its two routes are the
// cheapest possible versions of what Quorum answers — the (a) list response served as a prebuilt string
// (no database, no serialization), and {hello:"world"} — so a ratio says how much of the HTTP stack's
// capacity Quorum keeps after doing its real work.
//
// Usage: node bench/bare-server.mjs --port N --list FILE
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';

const { values } = parseArgs({ options: { port: { type: 'string' }, list: { type: 'string' } } });
if (!values.port || !values.list) throw new Error('usage: bare-server.mjs --port N --list FILE');

const listJson = readFileSync(values.list, 'utf8');
const app = Fastify({ logger: false });

app.get('/list', (_request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(listJson);
});
app.get('/hello', async () => ({ hello: 'world' }));

await app.listen({ port: Number(values.port), host: '127.0.0.1' });

for (const signal of ['SIGTERM', 'SIGINT'])
  process.once(signal, () => app.close().then(() => process.exit(0)));
