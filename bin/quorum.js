#!/usr/bin/env node
// The `quorum` command. The TypeScript sources are compiled to dist/ by `npm install` (the prepare script).
// Tracing has to hook http, pg and Redis before anything imports them, so it starts first — and only
// when asked for: without OTEL_EXPORTER_OTLP_ENDPOINT no OpenTelemetry module is loaded.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) await import('../dist/observability/tracing.js');
await import('../dist/cli/index.js');
