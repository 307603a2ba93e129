// Virtual rows: only the rows in view (plus a few either side) are in the DOM, so 1,000 runs cost
// the DOM of ~30 rows; spacers above and below keep the scroll range of the whole list.
// `useVirtualWindow` is the windowing (used by the run picker and the Runs table, whose rows may
// differ in height: each drawn row's height is measured and kept by its key, unmeasured rows count
// as the estimate). `VirtualRows` is Compare runs' table on top of it: one fixed row height,
// header buttons sort (asc → desc → none), cells are text only.
import type { ComponentChildren } from 'preact'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
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

/** The first index whose row ends below `y`, given the rows' top offsets (`tops[count]` = total). */
function rowAt(tops: number[], y: number): number {
  let lo = 0
  let hi = tops.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (tops[mid + 1] <= y) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface VirtualWindowOptions {
  /** Height of a row, px: exact for fixed rows, the estimate of an unmeasured row otherwise. */
  rowHeight: number
  /** Viewport height, px, when the scrolling box cannot tell (not laid out yet, or a test page). */
  viewport: number
  /** Measure drawn rows (elements carrying `data-vkey`) and keep their heights by key. */
  measure?: boolean
  overscan?: number
}

export interface VirtualWindow<T extends HTMLElement> {
  /** The scrolling box. */
  box: { current: T | null }
  onScroll(e: Event): void
  /** Rows to draw: [start, end). */
  start: number
  end: number
  /** Heights of the spacers before and after the drawn rows, px. */
  before: number
  after: number
}

/** Which of `keys`' rows to draw in a scrolling box, and the spacers around them. */
export function useVirtualWindow<T extends HTMLElement>(keys: readonly string[], options: VirtualWindowOptions): VirtualWindow<T> {
  const { rowHeight, measure = false } = options
  const overscan = options.overscan ?? OVERSCAN
  const count = keys.length
  const [scrollTop, setScrollTop] = useState(0)
  const [, setMeasured] = useState(0)
  const heights = useRef(new Map<string, number>())
  const box = useRef<T>(null)
  const frame = useRef(0)
  useEffect(() => () => cancelAnimationFrame(frame.current), [])
  const viewport = box.current?.clientHeight || options.viewport
  let start: number
  let end: number
  let before: number
  let after: number
  let total: number
  if (!measure) {
    ;[start, end] = visibleRange(scrollTop, viewport, count, rowHeight, overscan)
    before = start * rowHeight
    after = (count - end) * rowHeight
    total = count * rowHeight
  } else {
    const tops = new Array<number>(count + 1)
    tops[0] = 0
    for (let i = 0; i < count; i++) tops[i + 1] = tops[i] + (heights.current.get(keys[i]) ?? rowHeight)
    total = tops[count]
    const top = Math.max(0, scrollTop)
    start = count === 0 ? 0 : Math.max(0, rowAt(tops, top) - overscan)
    end = count === 0 ? 0 : Math.min(count, rowAt(tops, top + viewport) + 1 + overscan)
    before = tops[start]
    after = total - tops[end]
  }
  // a shorter list (sorted or filtered) must not leave the view scrolled past its end
  useEffect(() => {
    const el = box.current
    if (el && scrollTop > total) {
      el.scrollTop = 0
      setScrollTop(0)
    }
  }, [total, scrollTop])
  // keep the drawn rows' heights (a page without layout measures 0: the estimate stays)
  useLayoutEffect(() => {
    const el = box.current
    if (!measure || !el) return
    let changed = false
    for (const row of el.querySelectorAll<HTMLElement>('[data-vkey]')) {
      const h = row.getBoundingClientRect().height
      const key = row.dataset.vkey!
      if (h > 0 && Math.abs((heights.current.get(key) ?? -1) - h) > 0.5) {
        heights.current.set(key, h)
        changed = true
      }
    }
    if (changed) setMeasured((n) => n + 1)
  })
  const onScroll = (e: Event) => {
    const top = (e.currentTarget as HTMLElement).scrollTop
    cancelAnimationFrame(frame.current)
    frame.current = requestAnimationFrame(() => setScrollTop(top))
  }
  return { box, onScroll, start, end, before, after }
}

/** The table row standing for the rows not drawn above (`top`) or below (`bottom`); none at 0 px. */
export function SpacerRow({ at, height, columns }: { at: 'top' | 'bottom'; height: number; columns: number }) {
  if (height <= 0) return null
  return (
    <tr aria-hidden="true" data-spacer={at}>
      <td colSpan={columns} style={{ height: `${height}px`, padding: 0, border: 'none' }} />
    </tr>
  )
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
  const keys = useMemo(() => rows.map((row) => String(row[0])), [rows])
  const { box, onScroll, start, end, before, after } = useVirtualWindow<HTMLDivElement>(keys, { rowHeight: ROW_HEIGHT, viewport: height })
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
          <SpacerRow at="top" height={before} columns={span} />
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
          <SpacerRow at="bottom" height={after} columns={span} />
        </tbody>
      </table>
    </div>
  )
}
