// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { model, renderFields, schemaOf } from '../../test/render-fields';
import userEvent from '@testing-library/user-event';

const schema = schemaOf([
  model('shared.quote', 'Quote', { title: { type: 'string' }, body: { type: 'text' } }),
  model('shared.link', 'Link', { url: { type: 'string', required: true } }),
]);
const attributes = { blocks: { type: 'dynamiczone', components: ['shared.quote', 'shared.link'] } };
const entry = (name: RegExp) => screen.getByRole('group', { name });

describe('DynamicZoneField', () => {
  it('adds entries of different types, reorders and removes them, and saves each with its type', async () => {
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, {
      blocks: [{ __component: 'shared.quote', id: 3, title: 'Kept', body: 'As it was' }],
    });

    await user.click(screen.getByRole('button', { name: 'Add to Blocks' }));
    await user.click(screen.getByRole('menuitem', { name: 'Link' }));
    await user.type(within(entry(/^2\. Link/)).getByLabelText(/^Url/), 'https://example.com');
    await user.click(screen.getByRole('button', { name: 'Add to Blocks' }));
    await user.click(screen.getByRole('menuitem', { name: 'Quote' }));
    await user.type(within(entry(/^3\. Quote/)).getByLabelText('Title'), 'New');
    expect(screen.getByRole('group', { name: /^Blocks \(3\)/ })).toBeTruthy();

    // Move the link first: the numbering and the saved order follow.
    await user.click(screen.getByRole('button', { name: 'Move up Link 2' }));
    expect(within(entry(/^1\. Link/)).getByLabelText(/^Url/)).toHaveProperty('value', 'https://example.com');
    expect(view.payload().blocks).toEqual([
      { __component: 'shared.link', url: 'https://example.com' },
      { __component: 'shared.quote', title: 'Kept', body: 'As it was' },
      { __component: 'shared.quote', title: 'New', body: null },
    ]);

    await user.click(screen.getByRole('button', { name: 'Remove Quote 2' }));
    expect(view.payload().blocks).toEqual([
      { __component: 'shared.link', url: 'https://example.com' },
      { __component: 'shared.quote', title: 'New', body: null },
    ]);
    expect(within(entry(/^2\. Quote/)).getByLabelText('Title')).toHaveProperty('value', 'New');
  });

  it('offers only the components the zone allows', async () => {
    const user = userEvent.setup();
    renderFields(attributes, schema, { blocks: [] });
    await user.click(screen.getByRole('button', { name: 'Add to Blocks' }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Quote', 'Link']);
  });
});
