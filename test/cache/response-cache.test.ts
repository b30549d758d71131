import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/cache/response-cache.js';

/**
 * The response cache's own rules, on the real class: tag invalidation, the ticket that keeps a read
 * which overlapped a write from being stored, the TTL and the memory bound. The HTTP side (keys, access,
 * every write path) is tested in test/content-api/response-cache.test.ts.
 */
describe('ResponseCache', () => {
  const cache = (options: Partial<{ ttlMs: number; maxBytes: number }> = {}) =>
    new ResponseCache({ ttlMs: 60_000, maxBytes: 1024 * 1024, ...options });

  it('answers what was stored until a type it depends on changes', () => {
    const c = cache();
    c.set('articles+author', c.ticket(), ['api::article.article', 'api::author.author'], 'A');
    c.set('categories', c.ticket(), ['api::category.category'], 'C');
    expect(c.get('articles+author')?.toString()).toBe('A');
    expect(c.get('categories')?.toString()).toBe('C');

    c.changed(['api::author.author']);
    expect(c.get('articles+author')).toBeUndefined();
    expect(c.get('categories')?.toString()).toBe('C');
    expect(c.stats).toMatchObject({ hits: 3, misses: 1 });
  });

  it('stores a read again after the change that retired it', () => {
    const c = cache();
    c.set('k', c.ticket(), ['t'], 'old');
    c.changed(['t']);
    expect(c.get('k')).toBeUndefined();
    c.set('k', c.ticket(), ['t'], 'new');
    expect(c.get('k')?.toString()).toBe('new');
  });

  it('does not store a read that overlapped a change (it may have read the database before the write)', () => {
    const c = cache();
    const ticket = c.ticket();
    c.changed(['unrelated']);
    c.set('k', ticket, ['t'], 'maybe stale');
    expect(c.get('k')).toBeUndefined();
    expect(c.stats.stored).toBe(0);
  });

  it('retires everything on changedAll, and reads without a dependency list on any change', () => {
    const c = cache();
    c.set('tagged', c.ticket(), ['t'], 'T');
    c.set('untagged', c.ticket(), undefined, 'U');
    c.changed(['other']);
    expect(c.get('tagged')?.toString()).toBe('T');
    expect(c.get('untagged')).toBeUndefined();
    c.changedAll();
    expect(c.get('tagged')).toBeUndefined();
  });

  it('forgets answers older than ttlMs', async () => {
    const c = cache({ ttlMs: 30 });
    c.set('k', c.ticket(), ['t'], 'v');
    expect(c.get('k')?.toString()).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(c.get('k')).toBeUndefined();
  });

  it('answers the UTF-8 bytes of the stored text, the same on every hit', () => {
    const c = cache();
    const text = '{"title":"São Paulo – 😀"}';
    c.set('k', c.ticket(), ['t'], text);
    const first = c.get('k');
    expect(first?.equals(Buffer.from(text))).toBe(true);
    expect(c.get('k')).toBe(first);
  });

  it('keeps the memory it accounts for under maxBytes, evicting the least recently used', () => {
    const c = cache({ maxBytes: 100_000 });
    const text = 'x'.repeat(20_000); // 20 kB as UTF-8
    for (let i = 0; i < 10; i++) c.set(`k${i}`, c.ticket(), ['t'], text);
    expect(c.size.bytes).toBeLessThanOrEqual(100_000);
    expect(c.size.entries).toBeLessThan(10);
    expect(c.get('k9')?.toString()).toBe(text);
    expect(c.get('k0')).toBeUndefined();
  });
});
