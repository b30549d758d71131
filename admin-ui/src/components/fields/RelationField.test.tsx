// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { model, renderFields, schemaOf } from '../../test/render-fields';
import userEvent from '@testing-library/user-event';

const schema = schemaOf([model('api::tag.tag', 'Tag', { name: { type: 'string' } }, 'contentType')]);
const attributes = {
  tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
  primary: { type: 'relation', relation: 'manyToOne', target: 'api::tag.tag' },
};
const TAGS = ['Go', 'Rust', 'TypeScript'].map((name, i) => ({
  id: i + 1,
  documentId: `tag${name.toLowerCase()}000000000000000`.slice(0, 24),
  name,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  publishedAt: null,
  status: 'draft',
}));
const idOf = (name: string) => TAGS.find((t) => t.name === name)!.documentId;

/**
 * The HTTP boundary only: answers GET /admin/api/content-manager/collection-types/api::tag.tag as the
 * server does (its `_q` search on the main field, a page of rows with their status, pagination meta).
 */
function serveTags(status = 200) {
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://admin.test');
    expect(url.pathname).toBe('/admin/api/content-manager/collection-types/api%3A%3Atag.tag');
    if (status !== 200)
      return new Response(
        JSON.stringify({
          data: null,
          error: { status, name: 'InternalServerError', message: 'Internal Server Error', details: {} },
        }),
        { status, headers: { 'content-type': 'application/json' } },
      );
    const q = url.searchParams.get('_q')?.toLowerCase() ?? '';
    const data = TAGS.filter((t) => t.name.toLowerCase().includes(q));
    const pageSize = Number(url.searchParams.get('pagination[pageSize]'));
    return new Response(
      JSON.stringify({
        data,
        meta: { pagination: { page: 1, pageSize, pageCount: 1, total: data.length } },
      }),
      { headers: { 'content-type': 'application/json' } },
    );
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('RelationField', () => {
  it('searches the target type on the server, selects results and removes them', async () => {
    const fetch = serveTags();
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, { tags: [], primary: null });

    const tags = screen.getByRole('textbox', { name: 'Tags' });
    await user.click(tags);
    await user.type(tags, 'ru');
    // Debounced: one search for what was typed, sorted by the main field.
    await waitFor(() =>
      expect(fetch.mock.calls.map(([u]) => new URL(String(u), 'http://x').searchParams.get('_q'))).toContain(
        'ru',
      ),
    );
    const searched = new URL(String(fetch.mock.calls.at(-1)![0]), 'http://x').searchParams;
    expect(searched.get('sort')).toBe('name:asc');
    await user.click(await screen.findByRole('option', { name: 'Rust' }));
    expect(view.payload().tags).toEqual({ set: [idOf('Rust')] });

    await user.clear(tags);
    await user.type(tags, 'go');
    await user.click(await screen.findByRole('option', { name: 'Go' }));
    expect(view.payload().tags).toEqual({ set: [idOf('Rust'), idOf('Go')] });
    // Chosen entries keep their names when they leave the search results.
    expect(view.values().tags).toEqual([
      { documentId: idOf('Rust'), label: 'Rust' },
      { documentId: idOf('Go'), label: 'Go' },
    ]);

    // Backspace in the empty search removes the last chosen entry.
    await user.clear(tags);
    await user.type(tags, '{Backspace}');
    expect(view.payload().tags).toEqual({ set: [idOf('Rust')] });
  });

  it('picks and deselects a to-one relation, sent as a documentId or null', async () => {
    serveTags();
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, {
      tags: [],
      primary: { id: 3, documentId: idOf('TypeScript'), name: 'TypeScript' },
    });
    const primary = screen.getByRole('textbox', { name: 'Primary' });
    expect(primary).toHaveProperty('value', 'TypeScript');
    expect(view.payload().primary).toBe(idOf('TypeScript'));

    await user.clear(primary);
    await user.type(primary, 'go');
    await user.click(await screen.findByRole('option', { name: 'Go' }));
    expect(view.payload().primary).toBe(idOf('Go'));
    // Choosing the chosen entry again deselects it (the clear button is mouse-only, aria-hidden).
    await user.click(primary);
    await user.click(await screen.findByRole('option', { name: 'Go' }));
    expect(view.payload().primary).toBeNull();
  });

  it('shows a failing search in the field only', async () => {
    serveTags(500);
    renderFields(attributes, schema, { tags: [], primary: null });
    expect(await screen.findAllByText(/Tag could not be searched: Internal Server Error/)).toHaveLength(2);
    expect(screen.getByRole('textbox', { name: 'Tags' })).toBeTruthy();
  });
});
