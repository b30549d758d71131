// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { model, renderFields, schemaOf } from '../../test/render-fields';
import userEvent from '@testing-library/user-event';

const schema = schemaOf([
  model('shared.quote', 'Quote', { title: { type: 'string' } }),
  model('shared.seo', 'Seo', { metaTitle: { type: 'string' } }),
]);
const attributes = {
  quotes: { type: 'component', component: 'shared.quote', repeatable: true },
  seo: { type: 'component', component: 'shared.seo' },
};
const entry = (n: number) => screen.getByRole('group', { name: new RegExp(`^Quote ${n}\\b`) });

describe('ComponentField', () => {
  it('adds, fills, reorders and removes repeatable entries, and saves them in their order', async () => {
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, { quotes: [{ id: 7, title: 'First' }], seo: null });
    expect(within(entry(1)).getByLabelText('Title')).toHaveProperty('value', 'First');

    for (const title of ['Second', 'Third']) {
      await user.click(screen.getByRole('button', { name: 'Add an entry to Quotes' }));
      const inputs = screen.getAllByLabelText('Title');
      await user.type(inputs[inputs.length - 1], title);
    }
    await user.click(within(entry(3)).getByRole('button', { name: 'Move up Quote 3' }));
    expect(view.payload().quotes).toEqual([{ title: 'First' }, { title: 'Third' }, { title: 'Second' }]);
    // The first entry cannot move further up, the last no further down.
    expect(within(entry(1)).getByRole('button', { name: 'Move up Quote 1' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(within(entry(3)).getByRole('button', { name: 'Move down Quote 3' })).toHaveProperty(
      'disabled',
      true,
    );

    await user.click(within(entry(1)).getByRole('button', { name: 'Remove Quote 1' }));
    expect(view.payload().quotes).toEqual([{ title: 'Third' }, { title: 'Second' }]);
    // Inputs follow their entry (keyed by entry, not by position) after the move and removal.
    expect(screen.getAllByLabelText('Title').map((i) => (i as HTMLInputElement).value)).toEqual([
      'Third',
      'Second',
    ]);
  });

  it('adds and removes a single component', async () => {
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, { quotes: [], seo: null });
    expect(view.payload().seo).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Add Seo' }));
    await user.type(screen.getByLabelText('Meta title'), 'About us');
    expect(view.payload().seo).toEqual({ metaTitle: 'About us' });
    await user.click(screen.getByRole('button', { name: 'Remove Seo' }));
    expect(view.payload().seo).toBeNull();
  });
});
