import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixtureApp } from '../helpers/node.js';
import {
  QUORUM_BIN,
  QuorumProcess,
  assertBuilt,
  childEnv,
  killAllProcesses,
  waitFor,
} from '../helpers/processes.js';

/**
 * Ctrl-C on a running node (issue 16): the first starts the graceful stop, a second exits at once
 * (non-zero, saying so); in a terminal the first skips the drain, since no balancer polls a node run
 * by hand. The drain is a minute here, far longer than any wait in these tests, so a node that waited
 * for it would fail them.
 */

const LONG_DRAIN_MS = '60000';
const hasScript = spawnSync('script', ['--version']).status === 0;

afterAll(killAllProcesses);

describe('Ctrl-C on quorum start', { timeout: 60_000 }, () => {
  let app: string;
  beforeAll(() => {
    app = copyFixtureApp('kitchen');
    rmSync(path.join(app, '.quorum'), { recursive: true, force: true });
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('a second SIGINT exits at once with 130 and says why', async () => {
    const node = new QuorumProcess({ app, env: { QUORUM_DRAIN_MS: LONG_DRAIN_MS }, name: 'interrupted' });
    await node.startReady();
    node.signal('SIGINT');
    await waitFor('the drain to start', async () =>
      node.logs().some((l) => l.msg === 'draining before shutdown') ? true : undefined,
    );
    // Not a TTY: the first Ctrl-C drains as configured.
    expect(node.logs().find((l) => l.msg === 'draining before shutdown')).toMatchObject({
      signal: 'SIGINT',
      drainMs: Number(LONG_DRAIN_MS),
    });
    expect(await node.fetch('/readyz').then((r) => r.status)).toBe(503);
    node.signal('SIGINT');
    const exit = await node.waitExit(15_000);
    expect(exit.code).toBe(130);
    expect(node.stderr).toContain('quorum: second interrupt: exiting at once');
  });

  it.skipIf(!hasScript)('in a terminal, the first Ctrl-C skips the drain and exits 0', async () => {
    assertBuilt();
    // `script` gives the node a pseudo-terminal; \x03 written to it is a real Ctrl-C (the terminal
    // sends SIGINT to the node).
    // `exec`: the shell `script` runs the command with must not stay between the terminal and the
    // node, or it takes the SIGINT too and dies of it (130) whatever the node does (seen in CI).
    const command = `exec ${[process.execPath, QUORUM_BIN, 'start', '--app', app, '--port', '0']
      .map((part) => `'${part}'`)
      .join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: childEnv({ LOG_LEVEL: 'info', QUORUM_DRAIN_MS: LONG_DRAIN_MS }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        'the node to be ready',
        async () => (output.includes('Quorum node ready') ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
      child.stdin.write('\x03');
      const code = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
      ]);
      expect(code, output).toBe(0);
      const drain = output
        .split(/\r?\n/)
        .map((line) => line.slice(line.indexOf('{')))
        .filter((line) => line.startsWith('{') && line.includes('draining before shutdown'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(drain).toEqual([
        expect.objectContaining({ signal: 'SIGINT', drainMs: 0, why: expect.stringContaining('terminal') }),
      ]);
      expect(output).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
