// `node bench/metrics-overhead.mjs` (after `npm run build`): the CPU cost of Quorum's metrics on the
// request path, measured directly, since it is far below what a wrk run can resolve (±2% of ~100 µs).
// Times the onResponse hook (route template, one histogram observation) on a real Fastify request, and
// the statement listener (operation from the SQL, one observation), in CPU time per call.
import Fastify from 'fastify';
import { operationOf } from '../dist/observability/db-metrics.js';
import { observeHttp } from '../dist/observability/http-metrics.js';
import { NodeMetrics } from '../dist/observability/metrics.js';

const CALLS = 2_000_000;
const metrics = new NodeMetrics();

let hook;
observeHttp({ addHook: (_name, fn) => (hook = fn) }, metrics);
const app = Fastify();
let request;
let reply;
app.get('/api/:name/:documentId', async (req, rep) => {
  request = req;
  reply = rep;
  return {};
});
await app.inject({ url: '/api/articles/abc' });

const select = metrics.dbDuration.labels('select');
const statement =
  'select "articles"."id", "articles"."title" from "articles" where "published_at" is not null';

function cpuNsPerCall(fn) {
  for (let i = 0; i < CALLS / 10; i++) fn();
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

const done = () => {};
const perRequest = cpuNsPerCall(() => hook(request, reply, done));
const perStatement = cpuNsPerCall(() => select.observe(operationOf(statement) === 'select' ? 0.0004 : 0));
console.log(`per request (onResponse hook): ${perRequest.toFixed(0)} ns CPU`);
console.log(`per SQL statement (listener):  ${perStatement.toFixed(0)} ns CPU`);
console.log(`a list request (2 statements): ${((perRequest + 2 * perStatement) / 1000).toFixed(2)} µs CPU`);
