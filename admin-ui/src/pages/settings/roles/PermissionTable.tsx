import { Group, Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { DataTable } from '../../../components/DataTable';

export interface PermissionRow {
  readonly key: string;
  /** The content type's display name, which also names the row's checkboxes. */
  readonly label: string;
}

/**
 * A role's content permissions: one row per content type, one column per verb, each cell centred (a
 * checkbox, maybe with a button beside it; empty where the type has no such action).
 */
export function PermissionTable<R extends PermissionRow, V extends string>({
  label,
  minWidth,
  typeHeader,
  verbs,
  rows,
  cell,
  extraColumn,
}: {
  readonly label?: string;
  readonly minWidth: number;
  readonly typeHeader: string;
  readonly verbs: readonly V[];
  readonly rows: readonly R[];
  readonly cell: (row: R, verb: V) => ReactNode;
  /** A last column about the whole row (administrator roles: "own documents only"). */
  readonly extraColumn?: { readonly header: string; readonly cell: (row: R) => ReactNode };
}) {
  return (
    <DataTable
      label={label}
      minWidth={minWidth}
      columns={[
        typeHeader,
        ...verbs.map((verb) => (
          <Table.Th key={verb} ta="center">
            {verb}
          </Table.Th>
        )),
        ...(extraColumn ? [extraColumn.header] : []),
      ]}
      rows={rows}
    >
      {(row) => (
        <Table.Tr key={row.key}>
          <Table.Td>{row.label}</Table.Td>
          {verbs.map((verb) => {
            const content = cell(row, verb);
            return (
              <Table.Td key={verb}>
                {content && (
                  <Group gap={4} justify="center" wrap="nowrap">
                    {content}
                  </Group>
                )}
              </Table.Td>
            );
          })}
          {extraColumn && <Table.Td>{extraColumn.cell(row)}</Table.Td>}
        </Table.Tr>
      )}
    </DataTable>
  );
}
