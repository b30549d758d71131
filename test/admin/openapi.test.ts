import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { REPO_ROOT } from '../helpers/processes.js';

describe('docs/admin-api.openapi.yaml', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind: 'sqlite', app: 'kitchen' });
  });
  afterAll(() => t.close());

  it('documents only routes the node serves', () => {
    const doc = parse(readFileSync(path.join(REPO_ROOT, 'docs', 'admin-api.openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing: string[] = [];
    for (const [route, item] of Object.entries(doc.paths)) {
      const url = route.replace(/\{(\w+)\}/g, ':$1');
      for (const method of Object.keys(item).filter((k) => k !== 'parameters'))
        if (!t.node.app.hasRoute({ method: method.toUpperCase() as 'GET', url }))
          missing.push(`${method} ${route}`);
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
  });
});
