import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BusMessage } from '../../src/cluster/bus/types.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { waitFor } from '../helpers/processes.js';

/**
 * A request's ID travels with what it causes: the outbox events of its writes (with a valid caller
 * traceparent; an invalid one is not passed on), and the bus message announcing a schema change.
 */
describeEachDatabase('request ids travel', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen', copy: true });
  });
  afterAll(() => t.close());

  const outbox = (requestId: string) =>
    t.node.database.db
      .selectFrom('quorum_outbox')
      .select(['request_id', 'traceparent'])
      .where('request_id', '=', requestId)
      .execute();

  it('into the outbox events of a write, with a valid traceparent only', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Traced' } },
      headers: { 'x-request-id': 'write-with-trace', traceparent },
    });
    expect(res.status).toBe(201);
    // A create of a draft-and-publish type writes two events (entry.create, entry.publish).
    const events = await outbox('write-with-trace');
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events).toEqual(events.map(() => ({ request_id: 'write-with-trace', traceparent })));

    for (const [id, bad] of [
      ['write-bad-trace-1', 'not-a-traceparent'],
      ['write-bad-trace-2', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
      ['write-bad-trace-3', `00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01${'x'.repeat(200)}`],
    ]) {
      const created = await t.request({
        method: 'POST',
        url: '/api/articles',
        body: { data: { title: 'Untraced' } },
        headers: { 'x-request-id': id, traceparent: bad },
      });
      expect(created.status).toBe(201);
      const untraced = await outbox(id);
      expect(untraced.length).toBeGreaterThanOrEqual(1);
      expect(untraced).toEqual(untraced.map(() => ({ request_id: id, traceparent: null })));
    }
  });

  it('onto the bus message that announces a schema change', async () => {
    const received: BusMessage[] = [];
    const unsubscribe = t.node.cluster.bus.subscribe('schema.changed', (message) => received.push(message));
    try {
      await t.node.changeSchema(
        {
          kind: 'put',
          modelType: 'contentType',
          uid: 'api::note.note',
          definition: {
            kind: 'collectionType',
            collectionName: 'notes',
            info: { singularName: 'note', pluralName: 'notes', displayName: 'Note' },
            options: { draftAndPublish: false },
            attributes: { text: { type: 'text' } },
          } as never,
        },
        { requestId: 'schema-change-1' },
      );
      const message = await waitFor('the announcement', async () => received[0]);
      expect(message.requestId).toBe('schema-change-1');
    } finally {
      unsubscribe();
    }
  });
});
