import { Paper, Skeleton, Table, Text, type TableProps } from '@mantine/core';
import type { ReactElement, ReactNode } from 'react';

/** A column: its header's text, or a whole `<Table.Th>` with its own key where the header needs more. */
export type Column = string | ReactElement;

/**
 * The table of every list screen: a border (unless it already sits in a panel), sideways scrolling on
 * narrow screens, a skeleton while the first answer is awaited and a line saying so when there are no rows.
 */
export function DataTable<T>({
  label,
  minWidth,
  columns,
  rows,
  children,
  loading = false,
  empty,
  withBorder = true,
  tableProps,
}: {
  /** The table's accessible name. */
  readonly label?: string;
  /** Below this width the table scrolls instead of squeezing its columns. */
  readonly minWidth: number;
  readonly columns: readonly Column[];
  /** Undefined while there is nothing to show (loading, or a failed request the page reports). */
  readonly rows: readonly T[] | undefined;
  /** One `<Table.Tr>`, with its key, per row. */
  readonly children: (row: T) => ReactNode;
  readonly loading?: boolean;
  /** What an empty list says, across the whole table; without it an empty table shows only its header. */
  readonly empty?: ReactNode;
  readonly withBorder?: boolean;
  readonly tableProps?: Omit<TableProps, 'children'>;
}) {
  const table = loading ? (
    <Skeleton h={160} />
  ) : (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table aria-label={label} {...tableProps}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column, i) =>
              typeof column === 'string' ? <Table.Th key={`column-${i}`}>{column}</Table.Th> : column,
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map(children)}
          {rows?.length === 0 && empty && (
            <Table.Tr>
              <Table.Td colSpan={columns.length}>
                <Text c="dimmed" ta="center" py="md">
                  {empty}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  return withBorder ? <Paper withBorder>{table}</Paper> : table;
}
