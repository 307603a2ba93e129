// Renders one server page as a grid: sortable headers, per-column summary with a histogram,
// per-column filters, typed cells. Every value is rendered as a text node, never as markup.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Cell, ColumnInfo, ColumnSummary } from '../api/types'
import { formatCell, formatCount, formatNumber, isNumericType, MISSING } from '../model/format'
import type { ColumnFilter, SortOrder } from '../model/query'
import { buildGrid, type GridHeader } from './grid'
import { Histogram } from './Histogram'

export interface DataTableProps {
  columns: ColumnInfo[]
  rows: Cell[][]
  offset: number
  rowCount: number
  pageIndex: number
  pageSize: number
  sort: string | null
  order: SortOrder
  summaries: Record<string, ColumnSummary>
  filters: Record<string, ColumnFilter>
  onSort(sort: string | null, order: SortOrder): void
  onFilter(column: string, filter: ColumnFilter | null): void
  /** Only the sortable header row (no summary and filter rows): small client-side tables. */
  compact?: boolean
  /** Accessible name of the table. */
  label?: string
}

const TYPE_LABEL: Record<string, string> = { integer: 'int', number: 'float', bool: 'bool', string: 'str' }

function summaryValue(value: unknown, type: string): string {
  if (value === null || value === undefined) return MISSING
  if (typeof value === 'number') return type === 'integer' && Number.isInteger(value) ? String(value) : formatNumber(value)
  return String(value)
}

function SummaryCell({ column, summary }: { column: ColumnInfo; summary?: ColumnSummary }) {
  if (!summary) return <div class="tbe-summary" />
  const numeric = isNumericType(column.type)
  return (
    <div class="tbe-summary">
      {numeric && summary.histogram ? <Histogram histogram={summary.histogram} /> : null}
      <dl>
        {column.type === 'bool' ? (
          <>
            <dt>true</dt>
            <dd>{summary.true !== undefined ? formatCount(summary.true) : MISSING}</dd>
            <dt>false</dt>
            <dd>{summary.false !== undefined ? formatCount(summary.false) : MISSING}</dd>
          </>
        ) : null}
        {numeric ? (
          <>
            <dt>min</dt>
            <dd>{summaryValue(summary.min, column.type)}</dd>
            <dt>max</dt>
            <dd>{summaryValue(summary.max, column.type)}</dd>
          </>
        ) : null}
        {numeric ? (
          <>
            <dt>mean</dt>
            <dd>{summaryValue(summary.mean, 'number')}</dd>
          </>
        ) : null}
        {!numeric && summary.distinct !== undefined ? (
          <>
            <dt>distinct</dt>
            <dd>{formatCount(summary.distinct)}</dd>
          </>
        ) : null}
        {!numeric && summary.top && summary.top.length > 0 ? (
          <>
            <dt>top</dt>
            <dd title={String(summary.top[0].value)}>{`${String(summary.top[0].value)} (${summary.top[0].count})`}</dd>
          </>
        ) : null}
        <dt>missing</dt>
        <dd>{summary.missing !== undefined ? formatCount(summary.missing) : MISSING}</dd>
      </dl>
    </div>
  )
}

/** A text field that reports its value after a pause or on Enter, not on every keystroke. */
export function useDebounced(value: string, commit: (value: string) => void, delay = 350) {
  const [text, setText] = useState(value)
  const synced = useRef(value)
  if (synced.current !== value) {
    // The value changed outside (URL restore, "Clear filters"): show it.
    synced.current = value
    if (text !== value) setText(value)
  }
  useEffect(() => {
    if (text === value) return
    const timer = setTimeout(() => commit(text), delay)
    return () => clearTimeout(timer)
  }, [text])
  return { text, setText, flush: () => text !== value && commit(text) }
}

function parseBound(text: string): number | null {
  if (text.trim() === '') return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}

function boundText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

function RangeFilter({ column, filter, onFilter }: { column: ColumnInfo; filter?: ColumnFilter; onFilter: DataTableProps['onFilter'] }) {
  // Both ends are edited together and committed as one filter, so a pending edit of one end is
  // never overwritten by the other end's commit.
  const current = `${boundText(filter?.min)}|${boundText(filter?.max)}`
  const field = useDebounced(current, (text) => {
    const [minText, maxText] = text.split('|')
    const next: ColumnFilter = {}
    const min = parseBound(minText)
    const max = parseBound(maxText)
    if (min !== null) next.min = min
    if (max !== null) next.max = max
    onFilter(column.name, Object.keys(next).length ? next : null)
  })
  const [minText, maxText] = field.text.split('|')
  const input = (end: 'min' | 'max', value: string, label: string) => (
    <input
      class="tbe-input"
      type="number"
      placeholder={end}
      aria-label={`${column.name} ${label}`}
      value={value}
      onInput={(e) => {
        const text = (e.target as HTMLInputElement).value
        field.setText(end === 'min' ? `${text}|${maxText}` : `${minText}|${text}`)
      }}
      onKeyDown={(e) => e.key === 'Enter' && field.flush()}
    />
  )
  return (
    <div class="tbe-range">
      {input('min', minText, 'minimum')}
      {input('max', maxText, 'maximum')}
    </div>
  )
}

function TextFilter({ column, filter, onFilter }: { column: ColumnInfo; filter?: ColumnFilter; onFilter: DataTableProps['onFilter'] }) {
  const field = useDebounced(filter?.q ?? '', (t) => onFilter(column.name, t.trim() ? { q: t } : null))
  return (
    <input
      class="tbe-input tbe-filter-text"
      type="search"
      placeholder="contains…"
      aria-label={`${column.name} contains`}
      value={field.text}
      onInput={(e) => field.setText((e.target as HTMLInputElement).value)}
      onKeyDown={(e) => e.key === 'Enter' && field.flush()}
    />
  )
}

function SortHeader({ header }: { header: GridHeader }) {
  const column = header.column.columnDef.meta!
  const sorted = header.column.getIsSorted()
  const next = header.column.getNextSortingOrder()
  const hint = next === 'asc' ? 'sort ascending' : next === 'desc' ? 'sort descending' : 'remove sorting'
  return (
    <button
      type="button"
      class="tbe-sort"
      title={`${column.name} (${column.type}): ${hint}`}
      onClick={() => (next === false ? header.column.clearSorting() : header.column.toggleSorting(next === 'desc'))}
    >
      <span class="tbe-colname">{column.name}</span>
      <span class="tbe-type">{TYPE_LABEL[column.type] ?? column.type}</span>
      <span class="tbe-arrow" aria-hidden="true">
        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
      </span>
      <span class="tbe-visually-hidden">{`, ${hint}`}</span>
    </button>
  )
}

export function DataTable(props: DataTableProps) {
  const { columns, rows, sort, order, pageIndex, pageSize, rowCount, onSort } = props
  const grid = useMemo(
    () => buildGrid({ columns, rows, sort, order, rowCount, pageIndex, pageSize, onSort }),
    [columns, rows, sort, order, rowCount, pageIndex, pageSize, onSort],
  )
  const headers = grid.getHeaderGroups()[0]?.headers ?? []
  const numericClass = (c?: ColumnInfo) => (c && isNumericType(c.type) ? 'tbe-num' : undefined)
  return (
    <div class={`tbe-grid-wrap${props.compact ? ' tbe-compact' : ''}`}>
      <table class="tbe-grid" aria-label={props.label}>
        <thead>
          <tr class="tbe-head-names">
            <th class="tbe-rownum" scope="col">
              #
            </th>
            {headers.map((header) => {
              const sorted = header.column.getIsSorted()
              return (
                <th
                  key={header.id}
                  scope="col"
                  class={numericClass(header.column.columnDef.meta)}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                >
                  <SortHeader header={header} />
                </th>
              )
            })}
          </tr>
          {props.compact ? null : (
          <tr class="tbe-head-summary">
            <th class="tbe-rownum" />
            {headers.map((header) => (
              <th key={header.id}>
                <SummaryCell column={header.column.columnDef.meta!} summary={props.summaries[header.id]} />
              </th>
            ))}
          </tr>
          )}
          {props.compact ? null : (
          <tr class="tbe-head-filters">
            <th class="tbe-rownum" />
            {headers.map((header) => {
              const column = header.column.columnDef.meta!
              return (
                <th key={header.id}>
                  {isNumericType(column.type) ? (
                    <RangeFilter column={column} filter={props.filters[column.name]} onFilter={props.onFilter} />
                  ) : (
                    <TextFilter column={column} filter={props.filters[column.name]} onFilter={props.onFilter} />
                  )}
                </th>
              )
            })}
          </tr>
          )}
        </thead>
        <tbody>
          {grid.getRowModel().rows.map((row, r) => (
            <tr key={row.id}>
              <td class="tbe-rownum">{String(props.offset + r + 1)}</td>
              {row.getAllCells().map((cell) => {
                const column = cell.column.columnDef.meta!
                const value = cell.getValue() as Cell
                const missing = value === null || value === undefined
                return (
                  <td key={cell.id} class={[numericClass(column), missing ? 'tbe-missing' : ''].filter(Boolean).join(' ') || undefined}>
                    {formatCell(value, column.type)}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
