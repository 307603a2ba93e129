// A table that draws only the rows in view (plus a few either side): 1,000 compared runs cost
// the DOM of ~30 rows. Rows have one fixed height; spacer rows above and below keep the scroll
// range of the whole table. Header buttons sort (asc → desc → none); cells are text only.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Cell, ColumnInfo } from '../../api/types'
import { formatCell } from '../../model/format'
import type { SortOrder } from '../../model/query'

export const ROW_HEIGHT = 28
/** Rows drawn beyond the visible ones on each side (smooth scrolling). */
export const OVERSCAN = 6

/** The rows to draw, [start, end), for a scroll offset and a viewport height. */
export function visibleRange(scrollTop: number, viewport: number, count: number, rowHeight: number = ROW_HEIGHT, overscan: number = OVERSCAN): [number, number] {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const start = Math.min(count, Math.max(0, first - overscan))
  const end = Math.min(count, first + Math.ceil(viewport / rowHeight) + overscan)
  return [start, Math.max(start, end)]
}

const numeric = (c: ColumnInfo) => c.type === 'number' || c.type === 'integer'

export interface VirtualRowsProps {
  columns: ColumnInfo[]
  rows: Cell[][]
  label: string
  sort: string | null
  order: SortOrder
  onSort(sort: string | null, order: SortOrder): void
  /** Height of the scrolling viewport, px. */
  height?: number
  /** A control before each row's number (e.g. a "draw" checkbox), given its index in `rows`. */
  lead?: { title: string; cell(index: number): ComponentChildren }
  /** Extra attributes of a row (`data-best`, a highlight). */
  rowProps?(index: number): Record<string, string | undefined>
  /** Prefix of a cell's text (the ★ of the best run); column -1 is the row number. */
  mark?(index: number, column: number): string
}

export function VirtualRows(props: VirtualRowsProps) {
  const { columns, rows, sort, order, onSort } = props
  const height = props.height ?? 420
  const [scrollTop, setScrollTop] = useState(0)
  const box = useRef<HTMLDivElement>(null)
  const frame = useRef(0)
  useEffect(() => () => cancelAnimationFrame(frame.current), [])
  // a shorter table (sorted or filtered) must not leave the view scrolled past its end
  useEffect(() => {
    const el = box.current
    if (el && scrollTop > rows.length * ROW_HEIGHT) {
      el.scrollTop = 0
      setScrollTop(0)
    }
  }, [rows.length, scrollTop])
  const [start, end] = visibleRange(scrollTop, height, rows.length)
  const onScroll = (e: Event) => {
    const top = (e.currentTarget as HTMLElement).scrollTop
    cancelAnimationFrame(frame.current)
    frame.current = requestAnimationFrame(() => setScrollTop(top))
  }
  const next = (name: string): [string | null, SortOrder] => (sort !== name ? [name, 'asc'] : order === 'asc' ? [name, 'desc'] : [null, 'asc'])
  const span = columns.length + 1
  const cellStyle = { height: `${ROW_HEIGHT}px`, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '320px', paddingTop: 0, paddingBottom: 0, verticalAlign: 'middle' }
  return (
    <div ref={box} class="tbe-grid-wrap" style={{ maxHeight: `${height}px`, height: `${Math.min(height, 56 + rows.length * ROW_HEIGHT)}px` }} onScroll={onScroll} data-testid="virtual-rows" data-rows={String(rows.length)}>
      <table class="tbe-grid" aria-label={props.label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr class="tbe-head-names">
            <th class="tbe-rownum" scope="col">
              {props.lead ? `${props.lead.title} #` : '#'}
            </th>
            {columns.map((c) => {
              const [s, o] = next(c.name)
              const arrow = sort === c.name ? (order === 'asc' ? '▲' : '▼') : ''
              return (
                <th key={c.name} scope="col" class={numeric(c) ? 'tbe-num' : undefined} aria-sort={sort === c.name ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  <button type="button" class="tbe-sort" title={`${c.name}: ${s === null ? 'remove sorting' : `sort ${o === 'asc' ? 'ascending' : 'descending'}`}`} onClick={() => onSort(s, o)}>
                    <span class="tbe-colname">{c.name}</span>
                    <span class="tbe-arrow" aria-hidden="true">
                      {arrow}
                    </span>
                  </button>
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {start > 0 ? (
            <tr aria-hidden="true" data-spacer="top">
              <td colSpan={span} style={{ height: `${start * ROW_HEIGHT}px`, padding: 0, border: 'none' }} />
            </tr>
          ) : null}
          {rows.slice(start, end).map((row, k) => {
            const i = start + k
            return (
              <tr key={String(row[0])} data-row={String(row[0])} aria-rowindex={i + 2} {...(props.rowProps?.(i) ?? {})}>
                <td class="tbe-rownum" style={cellStyle}>
                  {props.lead ? props.lead.cell(i) : null}
                  {String(i + 1)}
                  {props.mark?.(i, -1) ? <span data-best-marker="">{` ${props.mark(i, -1).trim()}`}</span> : null}
                </td>
                {columns.map((c, j) => {
                  const text = formatCell(row[j], c.type)
                  const prefix = props.mark?.(i, j) ?? ''
                  return (
                    <td key={c.name} class={numeric(c) ? 'tbe-num' : undefined} style={cellStyle} title={text}>
                      {row[j] === null || row[j] === undefined ? <span class="tbe-missing">—</span> : `${prefix}${text}`}
                    </td>
                  )
                })}
              </tr>
            )
          })}
          {end < rows.length ? (
            <tr aria-hidden="true" data-spacer="bottom">
              <td colSpan={span} style={{ height: `${(rows.length - end) * ROW_HEIGHT}px`, padding: 0, border: 'none' }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  )
}
