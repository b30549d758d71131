// @vitest-environment happy-dom
import { afterEach, expect, it, vi } from 'vitest';
import { settingsApi } from './settings';

afterEach(() => vi.unstubAllGlobals());

it('asks for the page of end users it names (the query string had two question marks, so page 2 was page 1)', async () => {
  const fetch = vi.fn(
    async () =>
      new Response(
        JSON.stringify({
          data: { results: [], pagination: { page: 2, pageSize: 20, pageCount: 2, total: 21 } },
        }),
        {
          headers: { 'content-type': 'application/json' },
        },
      ),
  );
  vi.stubGlobal('fetch', fetch);
  await settingsApi.endUsers(2, 'ada');
  const [input] = fetch.mock.calls[0] as unknown as [RequestInfo | URL];
  const url = new URL(String(input), 'http://admin.test');
  expect(url.pathname).toBe('/admin/api/end-users');
  expect(Object.fromEntries(url.searchParams)).toEqual({ page: '2', pageSize: '20', _q: 'ada' });
});
