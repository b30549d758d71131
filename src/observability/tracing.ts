import { startTracing } from './tracing-sdk.js';

/**
 * Entry point loaded by bin/quorum.js before the CLI, only when OTEL_EXPORTER_OTLP_ENDPOINT is set, so
 * the default path loads no OpenTelemetry code at all. Spans are flushed when the process is about to
 * exit (after a graceful stop, or when a CLI command is done).
 */
const tracing = await startTracing();
process.once('beforeExit', () => void tracing.shutdown());
