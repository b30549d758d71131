// @vitest-environment happy-dom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderFields, schemaOf } from '../../test/render-fields';
import userEvent from '@testing-library/user-event';

const schema = schemaOf([]);
const attributes = { body: { type: 'blocks' } };
const text = (t: string) => [{ type: 'text', text: t }];

describe('BlocksField', () => {
  it('edits paragraphs, headings and lists into Strapi’s blocks JSON', async () => {
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, {
      body: [{ type: 'paragraph', children: text('Hello') }],
    });

    await user.type(screen.getByRole('textbox', { name: 'Block 1 text' }), ' world');
    await user.click(screen.getByRole('button', { name: 'Add a block to Body' }));
    await user.click(screen.getByRole('textbox', { name: 'Block 2 type' }));
    await user.click(screen.getByRole('option', { name: 'Heading 2' }));
    await user.type(screen.getByRole('textbox', { name: 'Block 2 text' }), 'Title');
    await user.click(screen.getByRole('button', { name: 'Add a block to Body' }));
    await user.click(screen.getByRole('textbox', { name: 'Block 3 type' }));
    await user.click(screen.getByRole('option', { name: 'Bulleted list' }));
    await user.type(screen.getByRole('textbox', { name: 'Block 3 text' }), 'one{Enter}two');

    expect(view.payload().body).toEqual([
      { type: 'paragraph', children: text('Hello world') },
      { type: 'heading', level: 2, children: text('Title') },
      {
        type: 'list',
        format: 'unordered',
        children: [
          { type: 'list-item', children: text('one') },
          { type: 'list-item', children: text('two') },
        ],
      },
    ]);

    // Reordering and removing work on whole blocks.
    await user.click(screen.getByRole('button', { name: 'Move up block 2' }));
    await user.click(screen.getByRole('button', { name: 'Remove block 3' }));
    expect(view.payload().body).toEqual([
      { type: 'heading', level: 2, children: text('Title') },
      { type: 'paragraph', children: text('Hello world') },
    ]);
  });

  it('opens content the block view cannot show as JSON and keeps it as it was', async () => {
    const user = userEvent.setup();
    const rich = [
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'See ', bold: true },
          { type: 'link', url: 'https://strapi.io', children: text('Strapi') },
        ],
      },
      // A list nested in a list: the block view has no place for it.
      {
        type: 'list',
        format: 'unordered',
        children: [
          { type: 'list', format: 'ordered', children: [{ type: 'list-item', children: text('x') }] },
        ],
      },
    ];
    const view = renderFields(attributes, schema, { body: rich });

    expect(screen.getByText(/blocks the block editor does not show/)).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Block 1 text' })).toBeNull();
    expect(screen.getByRole('radio', { name: 'Blocks' })).toHaveProperty('disabled', true);
    expect(view.payload().body).toEqual(rich);

    // An edit in the JSON is saved as written.
    const json = screen.getByRole('textbox', { name: /^Body \(JSON\)/ });
    const edited = [...rich, { type: 'paragraph', children: text('More') }];
    await user.clear(json);
    await user.click(json);
    await user.paste(JSON.stringify(edited));
    expect(view.payload().body).toEqual(edited);
  });

  it('formats selected text with the toolbar and reads typed markup, keeping the text as typed', async () => {
    const user = userEvent.setup();
    const view = renderFields(attributes, schema, {
      body: [{ type: 'paragraph', children: text('Hello world') }],
    });
    const box = screen.getByRole('textbox', { name: 'Block 1 text' }) as HTMLTextAreaElement;

    // Select "world" and make it bold.
    box.focus();
    box.setSelectionRange(6, 11);
    await user.click(screen.getByRole('button', { name: 'Bold block 1' }));
    expect(box.value).toBe('Hello **world**');
    expect(view.payload().body).toEqual([
      { type: 'paragraph', children: [...text('Hello '), { type: 'text', text: 'world', bold: true }] },
    ]);

    // A link around the selection, its address then typed over the placeholder.
    box.setSelectionRange(0, 5);
    await user.click(screen.getByRole('button', { name: 'Link block 1' }));
    expect(box.value).toBe('[Hello](https://) **world**');

    // Half-typed markup stays as typed (a lone marker is text until its partner comes).
    await user.clear(box);
    await user.type(box, 'say __hi');
    expect(box.value).toBe('say __hi');
    expect(view.payload().body).toEqual([{ type: 'paragraph', children: text('say __hi') }]);
    await user.type(box, '__ to ~~all~~');
    expect(view.payload().body).toEqual([
      {
        type: 'paragraph',
        children: [
          ...text('say '),
          { type: 'text', text: 'hi', italic: true },
          ...text(' to '),
          { type: 'text', text: 'all', strikethrough: true },
        ],
      },
    ]);
  });
});
