// @vitest-environment happy-dom
import '../test/dom-shims';
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pager } from './Pager';

afterEach(cleanup);

const show = (ui: ReactNode) => render(<MantineProvider env="test">{ui}</MantineProvider>);

describe('Pager', () => {
  it('shows nothing when one page holds everything, unless asked to stay', () => {
    const view = show(<Pager page={1} pageCount={1} onChange={() => {}} />);
    expect(screen.queryByRole('button')).toBeNull();
    view.unmount();
    show(<Pager page={1} pageCount={1} onChange={() => {}} always />);
    expect(screen.getByRole('button', { name: 'Page 1' })).toBeTruthy();
  });

  it('names its buttons and reports the page chosen, with what stands beside it', async () => {
    const onChange = vi.fn();
    show(
      <Pager page={1} pageCount={3} onChange={onChange}>
        <span>42 users</span>
      </Pager>,
    );
    expect(screen.getByText('42 users')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Page 2' }));
    await userEvent.click(screen.getByRole('button', { name: 'next page' }));
    expect(onChange.mock.calls).toEqual([[2], [2]]);
  });
});
