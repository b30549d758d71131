import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses, sleep, waitFor, type QuorumProcess } from '../helpers/processes.js';
import { TestCluster } from '../helpers/cluster.js';
import { Receiver } from './receiver.js';

// THE chaos test of the outbox (issue 6): three real nodes on one fresh PostgreSQL database; a receiver
// that fails 30% of requests at random and is down for 10 s in the middle; 2,000 writes through random
// nodes while a node is killed with kill -9 and restarted every few seconds. Afterwards every event has
// reached the receiver at least once, duplicates share X-Quorum-Delivery, per-document order held and
// nothing is left pending.

const WRITES = 2_000;
const WRITERS = 16;
const WRITE_PHASE_MS = 24_000;
const OUTAGE = { fromMs: 8_000, forMs: 10_000 };
const KILL_EVERY_MS = 3_000;

interface Write {
  readonly documentId: string;
  readonly seq: number;
}

describe.skipIf(!postgresAvailable())('outbox chaos [postgres]', () => {
  let cluster: TestCluster;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await Receiver.start(() => {
      const roll = Math.random();
      return roll < 0.15 ? 500 : roll < 0.3 ? 'drop' : 200;
    });
    // The harness's fast cluster settings (lease 1.5 s), with webhook timings scaled to the test.
    cluster = await TestCluster.start({
      env: { LOG_LEVEL: 'warn' },
      config: {
        rateLimit: { auth: { max: 100000 } },
        webhooks: {
          pollMs: 200,
          timeoutMs: 2_000,
          claimTtlMs: 5_000,
          backoff: { baseMs: 100, maxMs: 1_000 },
          maxAgeMs: 600_000,
          circuitBreaker: {
            volumeThreshold: 10,
            errorThresholdPercentage: 70,
            resetTimeoutMs: 1_000,
            rollingWindowMs: 5_000,
          },
          stopTimeoutMs: 500,
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await receiver?.close();
    await killAllProcesses();
  });

  it('delivers every event at least once, in per-document order, across kill -9 and a receiver outage', async () => {
    const first = cluster.nodes[0];
    const created = await cluster.admin(first, 'POST', '/admin/api/api-tokens', {
      name: 'chaos',
      type: 'full-access',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = `Bearer ${created.body.data.accessKey}`;
    const hook = await cluster.admin(first, 'POST', '/admin/api/webhooks', {
      name: 'chaos',
      url: receiver.url,
      events: ['entry.create', 'entry.update'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    const started = Date.now();
    let writing = true;
    const acknowledged: Write[] = [];
    let ambiguous = 0;
    const failures: number[] = [];
    let kills = 0;

    // kill -9 a random node every few seconds and restart it (in the background: the next kill comes
    // KILL_EVERY_MS after this one, or when the node is back if its restart takes longer). At most one
    // node is down at a time, and writers use only the nodes that are up.
    const down = new Set<QuorumProcess>();
    const chaos = (async () => {
      let restarting: Promise<void> = Promise.resolve();
      while (writing) {
        await Promise.all([sleep(KILL_EVERY_MS), restarting]);
        if (!writing) break;
        const victim = cluster.nodes[Math.floor(Math.random() * cluster.nodes.length)];
        down.add(victim);
        await victim.kill('SIGKILL');
        kills++;
        restarting = victim.restart({ timeoutMs: 60_000 }).then(() => void down.delete(victim));
      }
      await restarting;
    })();
    const outage = (async () => {
      await sleep(OUTAGE.fromMs);
      await receiver.down();
      await sleep(OUTAGE.forMs);
      await receiver.up();
    })();

    const pick = (): QuorumProcess => {
      const up = cluster.nodes.filter((node) => !down.has(node));
      return up[Math.floor(Math.random() * up.length)] ?? cluster.nodes[0];
    };
    // A write to a node that was just killed: refused connections never reached it and are retried
    // elsewhere; a reset one may or may not have committed.
    const send = async (method: string, path: string, body: unknown) => {
      for (;;) {
        try {
          return await cluster.api(pick(), method, path, token, body);
        } catch (err) {
          if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') throw err;
          await sleep(20);
        }
      }
    };
    const writer = async (w: number) => {
      const mine: { documentId: string; seq: number }[] = [];
      const count = WRITES / WRITERS;
      for (let i = 0; i < count; i++) {
        const due = started + (i * WRITE_PHASE_MS) / count;
        if (Date.now() < due) await sleep(due - Date.now());
        const update = mine.length > 0 && Math.random() < 0.7;
        const target = update ? mine[Math.floor(Math.random() * mine.length)] : undefined;
        const seq = target ? target.seq + 1 : 0;
        if (target) target.seq = seq; // a write that may or may not have committed still uses up its number
        try {
          const response = target
            ? await send('PUT', `/api/tags/${target.documentId}`, { data: { label: `${seq}` } })
            : await send('POST', '/api/tags', { data: { name: `w${w}-${i}`, label: '0' } });
          if (response.status === 200 || response.status === 201) {
            const documentId = response.body.data.documentId as string;
            if (!target) mine.push({ documentId, seq: 0 });
            acknowledged.push({ documentId, seq });
          } else failures.push(response.status);
        } catch {
          ambiguous++; // the node died under the request: it may or may not have committed
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await Promise.all([chaos, outage]);
    const writesDone = Date.now();
    expect(failures, 'writes answered with an error status').toEqual([]);

    await waitFor(
      'nothing left pending',
      async () => {
        const [row] = await cluster.sql<{ open: string }>(
          `select (select count(*) from quorum_outbox where status <> 'processed')
                + (select count(*) from quorum_webhook_deliveries where status <> 'delivered') as open`,
        );
        return Number(row.open) === 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const drained = Date.now();

    // The database's view: every event has one delivery, delivered.
    const events = await cluster.sql<{ id: string; key: string }>(
      `select id, key from quorum_outbox where topic = 'content'`,
    );
    const deliveries = await cluster.sql<{ delivery_key: string; event_id: string; status: string }>(
      `select delivery_key, event_id, status from quorum_webhook_deliveries`,
    );
    expect(deliveries.length).toBe(events.length);
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);

    // The receiver's view: every delivery key arrived (accepted), duplicates carried identical bytes.
    const accepted = receiver.accepted;
    const byKey = new Map<string, string[]>();
    for (const request of accepted) {
      const key = request.headers['x-quorum-delivery'] as string;
      byKey.set(key, [...(byKey.get(key) ?? []), request.body]);
    }
    const missing = deliveries.filter((d) => !byKey.has(d.delivery_key));
    expect(missing, 'deliveries that never reached the receiver').toEqual([]);
    for (const bodies of byKey.values()) expect(new Set(bodies).size, 'a duplicate with other bytes').toBe(1);
    const duplicates = accepted.length - byKey.size;

    // Every acknowledged write is among the events received.
    const received = new Set<string>();
    for (const [body] of byKey.values()) {
      const payload = JSON.parse(body);
      received.add(`${payload.entry.documentId}:${payload.entry.label}`);
    }
    const lost = acknowledged.filter((w) => !received.has(`${w.documentId}:${w.seq}`));
    expect(lost, 'acknowledged writes whose event never arrived').toEqual([]);

    // Per-document order: in order of first arrival, each document's sequence numbers only grow.
    const firstSeen = new Set<string>();
    const lastSeq = new Map<string, number>();
    const disorder: string[] = [];
    let maxDelayMs = 0;
    for (const request of accepted) {
      const key = request.headers['x-quorum-delivery'] as string;
      if (firstSeen.has(key)) continue;
      firstSeen.add(key);
      const payload = JSON.parse(request.body);
      const { documentId } = payload.entry;
      const seq = Number(payload.entry.label);
      const previous = lastSeq.get(documentId);
      if (previous !== undefined && seq <= previous) disorder.push(`${documentId}: ${seq} after ${previous}`);
      lastSeq.set(documentId, seq);
      maxDelayMs = Math.max(maxDelayMs, request.at - Date.parse(payload.createdAt));
    }
    expect(disorder, 'events of a document out of order').toEqual([]);

    console.log(
      [
        'outbox chaos test:',
        `  writes: ${WRITES} (${acknowledged.length} acknowledged, ${ambiguous} cut by a kill), ${kills} kill -9`,
        `  events: ${events.length}, deliveries: ${deliveries.length}, requests received: ${receiver.requests.length}` +
          ` (${accepted.length} accepted), duplicates: ${duplicates}`,
        `  max delay event → first delivery: ${maxDelayMs} ms; drained ${drained - writesDone} ms after the last write` +
          ` (total ${Math.round((drained - started) / 1000)} s)`,
      ].join('\n'),
    );
  }, 180_000);
});
