import { register } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { redactUrl } from '../lib/redact-url.js';

/** Paths probed every few seconds by balancers and scrapers: spans for them would bury real traffic. */
const UNTRACED = new Set(['/_health', '/readyz', '/metrics']);

export interface TracingOptions {
  /** Where spans go; default: a batch processor with the OTLP/HTTP exporter (OTEL_EXPORTER_OTLP_* env). */
  readonly spanProcessors?: SpanProcessor[];
  readonly env?: Record<string, string | undefined>;
}

export interface Tracing {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK with the instrumentations Quorum needs: incoming and outgoing HTTP,
 * Fastify routes, PostgreSQL, Redis and fetch (undici). Must run before `pg`, `ioredis` or Fastify are
 * imported: ES modules are patched through an import hook (import-in-the-middle), registered here to
 * wrap only the modules these instrumentations name; CommonJS ones through require hooks.
 */
export async function startTracing(options: TracingOptions = {}): Promise<Tracing> {
  const env = options.env ?? process.env;
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'quorum',
    // Traces only: metrics are Prometheus's (GET /metrics), logs are pino's. The standard variables
    // still turn the SDK's own exporters on for those who want them.
    metricReaders: env.OTEL_METRICS_EXPORTER ? undefined : [],
    logRecordProcessors: env.OTEL_LOGS_EXPORTER ? undefined : [],
    ...(options.spanProcessors
      ? { spanProcessors: options.spanProcessors }
      : { traceExporter: new OTLPTraceExporter() }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED.has(pathOf(request.url)),
        // One-time codes from email links (confirmation=, code=) stay out of spans as out of logs: the
        // instrumentation's own list only knows cloud signature parameters.
        startIncomingSpanHook: (request: IncomingMessage) => redactedQuery(request.url),
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: ({ url }) => UNTRACED.has(url),
        // A span per request and per handler; one per lifecycle hook would multiply them for little.
        instrumentHooks: false,
        // Its url.path attribute is the raw URL, query string included.
        requestHook: (span, request) => span.setAttribute('url.path', redactUrl(request.url)),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // A request that already carries a traceparent (a webhook delivery continuing the trace of the
      // write that caused it) keeps it: a second one from the instrumentation would contradict it.
      new UndiciInstrumentation({ ignoreRequestHook: (request) => carriesTraceparent(request.headers) }),
    ],
  });
  sdk.start();
  // The import hook runs on another thread: wait until it knows which modules to wrap.
  await waitForAllMessagesAcknowledged();
  return { shutdown: () => sdk.shutdown() };
}

function carriesTraceparent(headers: string | string[] | unknown): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers);
  if (!Array.isArray(headers)) return false;
  // undici's flat [name, value, name, value, …] list
  for (let i = 0; i < headers.length; i += 2)
    if (String(headers[i]).toLowerCase() === 'traceparent') return true;
  return false;
}

function pathOf(url = ''): string {
  const mark = url.indexOf('?');
  return mark === -1 ? url : url.slice(0, mark);
}

/** The `url.query` attribute of a request's server span, its secret values redacted (none without a query). */
function redactedQuery(url = ''): Record<string, string> {
  const redacted = redactUrl(url);
  const mark = redacted.indexOf('?');
  return mark === -1 ? {} : { 'url.query': redacted.slice(mark + 1) };
}
