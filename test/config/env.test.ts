import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

/** Settings a deployment gives as environment variables (precedence: flag > environment > file > default). */
describe('configuration from the environment', () => {
  const appDir = mkdtempSync(path.join(tmpdir(), 'quorum-config-env-'));
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));
  const withFile = (config: unknown) =>
    writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(config));

  it('QUORUM_TRUST_PROXY sets server.trustProxy: true/false, or the proxies’ addresses', () => {
    withFile({});
    const trust = (value?: string) =>
      loadConfig({ appDir, env: { QUORUM_TRUST_PROXY: value } }).server.trustProxy;
    expect(trust()).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    // The environment wins over the file.
    withFile({ server: { trustProxy: true } });
    expect(trust('false')).toBe(false);
    expect(trust()).toBe(true);
  });

  it('server timeouts have defaults, and headers may not take longer than the whole request', () => {
    withFile({});
    const { server } = loadConfig({ appDir, env: {} });
    expect(server).toMatchObject({
      requestTimeoutMs: 120_000,
      headersTimeoutMs: 20_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
    });
    withFile({ server: { requestTimeoutMs: 1000, headersTimeoutMs: 2000 } });
    expect(() => loadConfig({ appDir, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ appDir, env: {} })).toThrow(/server\.headersTimeoutMs/);
    // 0 turns the request limit off; any headers timeout is then fine.
    withFile({ server: { requestTimeoutMs: 0, headersTimeoutMs: 2000 } });
    expect(loadConfig({ appDir, env: {} }).server.requestTimeoutMs).toBe(0);
  });
});
