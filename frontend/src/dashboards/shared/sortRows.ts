// Client-side sorting of small tables (per-class report, compared runs). Missing values last.
import type { Cell } from '../../api/types'
import type { SortOrder } from '../../model/query'

export function sortRows(rows: Cell[][], column: number, order: SortOrder): Cell[][] {
  const sign = order === 'desc' ? -1 : 1
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = a.row[column]
      const y = b.row[column]
      const xMissing = x === null || x === undefined
      const yMissing = y === null || y === undefined
      if (xMissing || yMissing) return xMissing === yMissing ? a.index - b.index : xMissing ? 1 : -1
      if (typeof x === 'number' && typeof y === 'number') return sign * (x - y) || a.index - b.index
      return sign * String(x).localeCompare(String(y), undefined, { numeric: true }) || a.index - b.index
    })
    .map((e) => e.row)
}
