import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the node's scrape-time gauges read; set by the node once the parts exist (see node.ts). */
export interface MetricSources {
  isLeader?: () => boolean;
  schemaVersion?: () => number;
  plans?: () => { hits: number; misses: number };
  /** The response cache's running counts and size; absent when the cache is off. */
  responses?: () => { hits: number; misses: number; bypasses: number; bytes: number };
  /** Pending work in the outbox; undefined when it could not be read (the series is then absent). */
  outboxBacklog?: () => Promise<{ events: number; deliveries?: number } | undefined>;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

export type DbOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';

const SECONDS_HTTP = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_DB = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SECONDS_BUS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One node's Prometheus metrics, in a registry of its own (never prom-client's global one: two nodes in
 * one process, as in the tests, must not count into each other). Names and labels are documented in the
 * README ("Metrics"); every label value comes from a bounded set (route templates, never raw URLs).
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly sources: MetricSources = {};

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_HTTP,
    registers: [this.registry],
  });
  /**
   * Derived from the histogram's counts when scraped: the request path pays for one observation, not
   * two, and the two can never disagree.
   */
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: async () => {
      const { values } = await this.httpDuration.get();
      this.httpRequests.reset();
      for (const value of values) {
        if (value.metricName === 'http_request_duration_seconds_count')
          this.httpRequests.inc(value.labels, value.value);
      }
    },
  });
  readonly dbDuration = new Histogram({
    name: 'quorum_db_query_duration_seconds',
    help: 'Database statement duration, by operation',
    labelNames: ['operation'] as const,
    buckets: SECONDS_DB,
    registers: [this.registry],
  });
  readonly dbErrors = new Counter({
    name: 'quorum_db_query_errors_total',
    help: 'Database statements that failed, by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly busLatency = new Histogram({
    name: 'quorum_bus_message_latency_seconds',
    help: 'Time from publication to receipt of bus messages (publisher and receiver clocks)',
    buckets: SECONDS_BUS,
    registers: [this.registry],
  });

  constructor() {
    // Event-loop lag, heap and RSS, CPU, GC, handles: prom-client's standard process metrics.
    collectDefaultMetrics({ register: this.registry });
    this.#scrapeTimeMetrics();
  }

  /** A bus message's latency; clocks of different hosts may disagree, so negative values count as 0. */
  observeBusLatency(ms: number): void {
    this.busLatency.observe(Math.max(0, ms) / 1000);
  }

  /** The text a scrape answers, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #scrapeTimeMetrics(): void {
    const { sources, registry } = this;
    new Gauge({
      name: 'quorum_leader',
      help: '1 while this node holds the leader lease (runs scheduled work), else 0',
      registers: [registry],
      collect() {
        this.set(sources.isLeader?.() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'quorum_schema_version',
      help: 'Version of the content-type schema this node serves',
      registers: [registry],
      collect() {
        if (sources.schemaVersion) this.set(sources.schemaVersion());
      },
    });
    // The plan cache counts with plain integers (no cost on the read path); the counters follow them here.
    const seen = { hits: 0, misses: 0 };
    new Counter({
      name: 'quorum_plan_cache_requests_total',
      help: 'Read-plan cache look-ups, by result (hit: the parsed and compiled query was reused)',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        const now = sources.plans?.();
        if (!now) return;
        this.inc({ result: 'hit' }, Math.max(0, now.hits - seen.hits));
        this.inc({ result: 'miss' }, Math.max(0, now.misses - seen.misses));
        seen.hits = now.hits;
        seen.misses = now.misses;
      },
    });
    const answered = { hits: 0, misses: 0, bypasses: 0 };
    new Counter({
      name: 'quorum_response_cache_requests_total',
      help: 'Content-API reads by response-cache result (hit, miss, bypass: the request asked for a fresh answer)',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        const now = sources.responses?.();
        if (!now) return;
        this.inc({ result: 'hit' }, Math.max(0, now.hits - answered.hits));
        this.inc({ result: 'miss' }, Math.max(0, now.misses - answered.misses));
        this.inc({ result: 'bypass' }, Math.max(0, now.bypasses - answered.bypasses));
        Object.assign(answered, { hits: now.hits, misses: now.misses, bypasses: now.bypasses });
      },
    });
    new Gauge({
      name: 'quorum_response_cache_bytes',
      help: 'Memory the response cache accounts its answers for (bounded by cache.responses.maxMb)',
      registers: [registry],
      collect() {
        const now = sources.responses?.();
        if (now) this.set(now.bytes);
      },
    });
    new Gauge({
      name: 'quorum_outbox_backlog',
      help: 'Outbox work not done yet: events not fanned out, webhook deliveries pending or in flight',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        const backlog = await sources.outboxBacklog?.();
        this.reset();
        if (!backlog) return;
        this.set({ kind: 'events' }, backlog.events);
        if (backlog.deliveries !== undefined) this.set({ kind: 'deliveries' }, backlog.deliveries);
      },
    });
  }

  /** Pool gauges, for databases that have a pool (PostgreSQL); read at scrape time. */
  watchPool(stats: () => PoolStats): void {
    new Gauge({
      name: 'quorum_db_pool_connections',
      help: 'PostgreSQL pool: open connections (total), idle ones, and the configured maximum',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = stats();
        this.set({ state: 'total' }, pool.total);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'max' }, pool.max);
      },
    });
    new Gauge({
      name: 'quorum_db_pool_waiting',
      help: 'PostgreSQL pool: statements waiting for a free connection',
      registers: [this.registry],
      collect() {
        this.set(stats().waiting);
      },
    });
  }
}
