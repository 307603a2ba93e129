// Compare runs: the table of every compared run (params and headline metrics), drawn as virtual
// rows so 1,000 runs stay fast. A checkbox per row picks the runs whose curves are drawn (at
// most MAX_DRAWN). With a sweep, its metric is a column, sorted best first, and the sweep's best
// run is marked; otherwise sorting by a metric marks that metric's best run.
import { useCallback, useMemo, useState } from 'preact/hooks'
import type { SweepInfo } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import { downloadText, fileStem } from '../../charts/export'
import { bestIndex, higherIsBetter } from '../../model/bestRun'
import { compareTable, TABLE_METRICS } from '../../model/eval/compare'
import { csvRows } from '../../model/eval/csv'
import { formatNumber } from '../../model/format'
import type { SortOrder } from '../../model/query'
import { sortRows } from '../shared/sortRows'
import { Card } from '../shared/widgets'
import { MAX_DRAWN, type TableRun } from './state'
import { VirtualRows } from '../shared/virtualRows'

/** The table's columns and rows: compareTable's, with the sweep metric after `status`. */
export function runsTableData(runs: TableRun[], sweep: SweepInfo | null): { columns: ColumnInfo[]; rows: Cell[][]; sweepColumn: string | null } {
  const base = compareTable(runs)
  if (!sweep) return { ...base, sweepColumn: null }
  const column = `★ ${sweep.metric} (${sweep.mode})`
  const at = base.columns.findIndex((c) => c.name === 'status') + 1
  const columns = [...base.columns.slice(0, at), { name: column, type: 'number' as const }, ...base.columns.slice(at)]
  const rows = base.rows.map((row, i) => {
    const v = runs[i].sweep_value
    return [...row.slice(0, at), typeof v === 'number' ? v : null, ...row.slice(at)]
  })
  return { columns, rows, sweepColumn: column }
}

export interface RunsTableProps {
  runs: TableRun[]
  sweep: SweepInfo | null
  name: string
  drawn: string[]
  onToggle(run: string): void
  onDraw(runs: string[] | null): void
  /** What the JSON download holds (evaluation/compare of the drawn runs). */
  download: () => Promise<unknown>
}

export function RunsTable({ runs, sweep, name, drawn, onToggle, onDraw, download }: RunsTableProps) {
  const table = useMemo(() => runsTableData(runs, sweep), [runs, sweep])
  const initial = table.sweepColumn ? { sort: table.sweepColumn, order: (sweep?.mode === 'min' ? 'asc' : 'desc') as SortOrder } : { sort: null, order: 'asc' as SortOrder }
  const [chosen, setSort] = useState<{ sort: string | null; order: SortOrder } | null>(null)
  const sort = chosen ?? initial
  const onSort = useCallback((s: string | null, order: SortOrder) => setSort({ sort: s, order }), [])
  const index = sort.sort === null ? -1 : table.columns.findIndex((c) => c.name === sort.sort)
  const sorted = useMemo(() => (index < 0 ? table.rows : sortRows(table.rows, index, sort.order)), [table, index, sort.order])
  const isSweep = index >= 0 && table.columns[index].name === table.sweepColumn
  const metric = index >= 0 && (isSweep || TABLE_METRICS.includes(table.columns[index].name)) ? table.columns[index].name : null
  const best = useMemo(() => {
    if (isSweep && sweep) return sweep.best === null ? -1 : sorted.findIndex((r) => r[0] === sweep.best)
    return metric ? bestIndex(sorted.map((r) => r[index]), metric) : -1
  }, [sorted, index, metric, isSweep, sweep])
  const drawnSet = useMemo(() => new Set(drawn), [drawn])
  const full = drawn.length >= MAX_DRAWN
  const bestText =
    metric && best >= 0
      ? `★ best ${isSweep && sweep ? `${sweep.metric} (the sweep's ${sweep.mode === 'max' ? 'higher' : 'lower'} is better)` : `${metric} (${higherIsBetter(metric) ? 'higher' : 'lower'} is better)`}: ${String(sorted[best][0])} = ${formatNumber(sorted[best][index] as number)}`
      : 'Sort by a metric column (click its header) to mark the best run.'
  return (
    <Card title="Runs" wide testId="compare-table" subtitle={` · ${runs.length} runs; curves drawn for ${drawn.length} (at most ${MAX_DRAWN})`}>
      <div class="tbe-export">
        <span class="tbe-note" data-testid="compare-best" style={{ marginRight: 'auto' }}>
          {bestText}
        </span>
        <button type="button" class="tbe-button tbe-small" title={`Draw the curves of the first ${MAX_DRAWN} runs in this order`} onClick={() => onDraw(sorted.slice(0, MAX_DRAWN).map((r) => String(r[0])))}>
          {`Draw top ${MAX_DRAWN}`}
        </button>
        <button type="button" class="tbe-button tbe-small" title="Download the table as CSV" onClick={() => downloadText(csvRows(table.columns.map((c) => c.name), sorted), `${fileStem(name, 'runs')}.csv`, 'text/csv')}>
          CSV
        </button>
        <button type="button" class="tbe-button tbe-small" title="Download the drawn runs' evaluation/compare response (their metrics and curves) as JSON" onClick={() => void download().then((d) => d !== null && downloadText(`${JSON.stringify(d, null, 1)}\n`, `${fileStem(name, 'compare')}.json`, 'application/json'))}>
          JSON
        </button>
      </div>
      <VirtualRows
        columns={table.columns}
        rows={sorted}
        label="Compared runs"
        sort={sort.sort}
        order={sort.order}
        onSort={onSort}
        lead={{
          title: 'draw',
          cell: (i) => {
            const run = String(sorted[i][0])
            const on = drawnSet.has(run)
            return <input type="checkbox" style={{ margin: '0 6px 0 0', verticalAlign: 'middle' }} checked={on} disabled={!on && full} aria-label={`draw ${run}`} title={!on && full ? `At most ${MAX_DRAWN} runs are drawn at once: clear one first` : `draw the curves of ${run}`} onChange={() => onToggle(run)} />
          },
        }}
        rowProps={(i) => (i === best && metric ? { 'data-best': metric, style: 'box-shadow: inset 3px 0 0 #f57c00; background: var(--accent-soft)' } : {})}
        mark={(i, j) => (i === best && metric && (j === -1 || j === index) ? '★ ' : '')}
      />
    </Card>
  )
}
