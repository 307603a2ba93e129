// The only code that touches TanStack Table: builds the headless table model for one page of
// server rows. Sorting, filtering and paging happen on the server (manual* modes); TanStack owns
// the column/header/cell model and the sort state transitions handed back to our store.
import { constructTable, rowPaginationFeature, rowSortingFeature, tableFeatures } from '@tanstack/table-core'
import { storeReactivityBindings } from '@tanstack/table-core/store-reactivity-bindings'
import type { Cell, ColumnInfo } from '../api/types'
import type { SortOrder } from '../model/query'

const features = tableFeatures({
  coreReactivityFeature: storeReactivityBindings(),
  rowSortingFeature,
  rowPaginationFeature,
})

export interface GridInput {
  columns: ColumnInfo[]
  rows: Cell[][]
  sort: string | null
  order: SortOrder
  rowCount: number
  pageIndex: number
  pageSize: number
  onSort(sort: string | null, order: SortOrder): void
}

export function buildGrid(input: GridInput) {
  const sorting = input.sort ? [{ id: input.sort, desc: input.order === 'desc' }] : []
  return constructTable({
    features,
    columns: input.columns.map((column, index) => ({
      id: column.name,
      header: column.name,
      accessorFn: (row: Cell[]) => row[index],
      meta: column,
      sortDescFirst: false,
    })),
    data: input.rows,
    getRowId: (_row: Cell[], index: number) => String(input.pageIndex * input.pageSize + index),
    manualSorting: true,
    manualPagination: true,
    enableMultiSort: false,
    enableSortingRemoval: true,
    sortDescFirst: false,
    rowCount: input.rowCount,
    state: { sorting, pagination: { pageIndex: input.pageIndex, pageSize: input.pageSize } },
    onSortingChange: (updater: unknown) => {
      const next = typeof updater === 'function' ? (updater as (s: typeof sorting) => typeof sorting)(sorting) : (updater as typeof sorting)
      const first = next[0]
      input.onSort(first ? first.id : null, first?.desc ? 'desc' : 'asc')
    },
  } as never) as unknown as GridTable
}

/** The parts of the table instance the renderer uses (typed loosely: v9's generics are deep). */
export interface GridTable {
  getHeaderGroups(): { id: string; headers: GridHeader[] }[]
  getRowModel(): { rows: GridRow[] }
}
export interface GridHeader {
  id: string
  column: {
    id: string
    columnDef: { meta?: ColumnInfo }
    getIsSorted(): false | 'asc' | 'desc'
    toggleSorting(desc?: boolean): void
    clearSorting(): void
    getNextSortingOrder(): false | 'asc' | 'desc'
  }
}
export interface GridRow {
  id: string
  getAllCells(): { id: string; column: { id: string; columnDef: { meta?: ColumnInfo } }; getValue(): unknown }[]
}
