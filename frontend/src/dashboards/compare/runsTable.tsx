// Compare runs: the sortable table of the compared runs (params and metrics), best run marked.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { CompareResponse } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import { downloadText, fileStem } from '../../charts/export'
import { bestIndex, higherIsBetter } from '../../model/bestRun'
import { formatNumber } from '../../model/format'
import type { SortOrder } from '../../model/query'
import { TABLE_METRICS } from '../../model/eval/compare'
import { csvRows } from '../../model/eval/csv'
import { DataTable } from '../../table/DataTable'
import { sortRows } from '../shared/sortRows'
import { Card } from '../shared/widgets'
/** The runs table, sorted on the client (header buttons: click or Enter/Space, asc → desc →
 * none); sorted by a metric, its best run is marked (★ on the row number, and named above). */
export function RunsTable({ table, data, name }: { table: { columns: ColumnInfo[]; rows: Cell[][] }; data: CompareResponse; name: string }) {
  const [sort, setSort] = useState<{ sort: string | null; order: SortOrder }>({ sort: null, order: 'asc' })
  const onSort = useCallback((s: string | null, order: SortOrder) => setSort({ sort: s, order }), [])
  const index = sort.sort === null ? -1 : table.columns.findIndex((c) => c.name === sort.sort)
  const sorted = useMemo(() => (index < 0 ? table.rows : sortRows(table.rows, index, sort.order)), [table, index, sort.order])
  const metric = index >= 0 && TABLE_METRICS.includes(table.columns[index].name) ? table.columns[index].name : null
  const best = metric ? bestIndex(sorted.map((r) => r[index]), metric) : -1
  const wrap = useRef<HTMLDivElement>(null)
  // The marker is DOM decoration of the shared grid (which draws cells as text only): cleared
  // and placed again after every render.
  useEffect(() => {
    const root = wrap.current
    if (!root) return
    root.querySelectorAll('[data-best-marker]').forEach((n) => n.remove())
    root.querySelectorAll<HTMLElement>('tr[data-best]').forEach((tr) => {
      tr.removeAttribute('data-best')
      tr.style.removeProperty('box-shadow')
      tr.style.removeProperty('background')
    })
    const tr = best >= 0 ? root.querySelectorAll<HTMLElement>('tbody tr')[best] : undefined
    if (!tr || !metric) return
    tr.dataset.best = metric
    tr.style.boxShadow = 'inset 3px 0 0 #f57c00'
    tr.style.background = 'var(--accent-soft)'
    const star = document.createElement('span')
    star.dataset.bestMarker = ''
    star.textContent = ' ★'
    star.title = `best ${metric}`
    star.setAttribute('aria-label', `best ${metric}`)
    star.style.color = '#f57c00'
    tr.querySelector('td')?.appendChild(star)
    // and on the sorted metric's cell (visible however the wide table is scrolled)
    const cell = tr.querySelectorAll<HTMLElement>('td')[index + 1]
    if (cell) {
      const mark = star.cloneNode(true) as HTMLElement
      mark.textContent = '★ '
      cell.prepend(mark)
    }
  })
  return (
    <Card title="Runs" wide testId="compare-table">
      <div class="tbe-export">
        <span class="tbe-note" data-testid="compare-best" style={{ marginRight: 'auto' }}>
          {metric && best >= 0
            ? `★ best ${metric} (${higherIsBetter(metric) ? 'higher' : 'lower'} is better): ${String(sorted[best][0])} = ${formatNumber(sorted[best][index] as number)}`
            : 'Sort by a metric column (click its header, or Enter) to mark the best run.'}
        </span>
        <button type="button" class="tbe-button tbe-small" title="Download the table as CSV" onClick={() => downloadText(csvRows(table.columns.map((c) => c.name), table.rows), `${fileStem(name, 'runs')}.csv`, 'text/csv')}>
          CSV
        </button>
        <button type="button" class="tbe-button tbe-small" title="Download the whole compare response (every run's metrics and curves) as JSON" onClick={() => downloadText(`${JSON.stringify(data, null, 1)}\n`, `${fileStem(name, 'compare')}.json`, 'application/json')}>
          JSON
        </button>
      </div>
      <div ref={wrap}>
        <DataTable columns={table.columns} rows={sorted} offset={0} rowCount={sorted.length} pageIndex={0} pageSize={Math.max(1, sorted.length)} sort={sort.sort} order={sort.order} summaries={{}} filters={{}} onSort={onSort} onFilter={() => {}} compact label="Compared runs" />
      </div>
    </Card>
  )
}
