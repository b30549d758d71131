// @vitest-environment happy-dom
import '../test/dom-shims';
import { MantineProvider, Table } from '@mantine/core';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { DataTable } from './DataTable';

afterEach(cleanup);

const show = (ui: ReactNode) => render(<MantineProvider env="test">{ui}</MantineProvider>);

function tokens(rows: { id: number; name: string }[] | undefined, loading = false) {
  return show(
    <DataTable
      label="Tokens"
      minWidth={400}
      columns={['Name', <Table.Th key="type">Type</Table.Th>]}
      rows={rows}
      loading={loading}
      empty="No tokens yet"
    >
      {(row) => (
        <Table.Tr key={row.id}>
          <Table.Td>{row.name}</Table.Td>
          <Table.Td>full</Table.Td>
        </Table.Tr>
      )}
    </DataTable>,
  );
}

describe('DataTable', () => {
  it('shows the header and one row per item, named for screen readers', () => {
    tokens([
      { id: 1, name: 'Build' },
      { id: 2, name: 'Preview' },
    ]);
    const table = screen.getByRole('table', { name: 'Tokens' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Name', 'Type']);
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.queryByText('No tokens yet')).toBeNull();
  });

  it('says the list is empty across every column only once an empty list has arrived', () => {
    const view = tokens([]);
    expect(screen.getByText('No tokens yet').closest('td')?.getAttribute('colspan')).toBe('2');
    // Nothing arrived (a failed request, reported by the page): no claim that there is nothing.
    view.unmount();
    tokens(undefined);
    expect(screen.getByRole('table', { name: 'Tokens' })).toBeTruthy();
    expect(screen.queryByText('No tokens yet')).toBeNull();
  });

  it('shows a skeleton instead of the table while loading', () => {
    tokens(undefined, true);
    expect(screen.queryByRole('table')).toBeNull();
  });
});
