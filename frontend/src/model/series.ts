// Line-chart series from table rows and log_list calls. Pure data shaping, no chart library.
import type { Cell, ColumnInfo, ListResponse, TablePage } from '../api/types'
import { isNumericType } from './format'

export type Point = [number, number]

export interface LineSeries {
  name: string
  points: Point[]
  /** The run, when the series is one run's only line (coloured like the run). */
  run?: string
}

export interface LinePlot {
  xName: string
  yName: string
  series: LineSeries[]
}

/** With several runs the server stacks them and puts a string column first naming the run
 * ("run", or "_run" when the table has its own "run" column). */
export function hasRunColumn(columns: ColumnInfo[], multiRun: boolean): boolean {
  return multiRun && columns.length > 0 && columns[0].type === 'string'
}

function toNumber(cell: Cell | undefined): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null
  if (typeof cell === 'boolean') return cell ? 1 : 0
  return null
}

/** Numeric columns, excluding the run column the server adds for several runs. */
export function numericColumns(columns: ColumnInfo[], multiRun: boolean): ColumnInfo[] {
  const skip = hasRunColumn(columns, multiRun) ? 1 : 0
  return columns.filter((c, i) => i >= skip && isNumericType(c.type))
}

/** A table is drawn when it has two numeric columns or more: the first is x, the others y. */
export function chartColumns(columns: ColumnInfo[], multiRun: boolean): { x: string; ys: string[] } | null {
  const numeric = numericColumns(columns, multiRun)
  if (numeric.length < 2) return null
  return { x: numeric[0].name, ys: numeric.slice(1).map((c) => c.name) }
}

/** One series per y column (and per run when several runs are stacked). */
export function tableSeries(page: TablePage, multiRun: boolean): LinePlot | null {
  const plan = chartColumns(page.columns, multiRun)
  if (!plan) return null
  const index = new Map(page.columns.map((c, i) => [c.name, i]))
  const xi = index.get(plan.x)!
  const runIndex = hasRunColumn(page.columns, multiRun) ? 0 : -1
  const byKey = new Map<string, LineSeries>()
  for (const row of page.rows) {
    const x = toNumber(row[xi])
    if (x === null) continue
    const run = runIndex >= 0 ? String(row[runIndex]) : ''
    for (const y of plan.ys) {
      const value = toNumber(row[index.get(y)!])
      if (value === null) continue
      const name = run ? (plan.ys.length > 1 ? `${run} · ${y}` : run) : y
      let series = byKey.get(name)
      if (!series) {
        series = run && plan.ys.length === 1 ? { name, points: [], run } : { name, points: [] }
        byKey.set(name, series)
      }
      series.points.push([x, value])
    }
  }
  for (const series of byKey.values()) series.points.sort((a, b) => a[0] - b[0])
  return { xName: plan.x, yName: plan.ys.length === 1 ? plan.ys[0] : 'value', series: [...byKey.values()] }
}

/** log_list: each call is one curve over the list index; several runs overlay. */
export function listSeries(responses: ListResponse[]): LinePlot {
  const series: LineSeries[] = []
  const multiRun = responses.length > 1
  for (const response of responses) {
    const multiCall = response.calls.length > 1
    for (const call of response.calls) {
      const points: Point[] = []
      call.values.forEach((value, i) => {
        if (typeof value === 'number' && Number.isFinite(value)) points.push([i, value])
      })
      const parts = [multiRun ? response.run : '', multiCall ? `step ${call.step}` : ''].filter(Boolean)
      const name = parts.join(' · ') || response.name
      series.push(multiRun && !multiCall ? { name, points, run: response.run } : { name, points })
    }
  }
  return { xName: 'index', yName: responses[0]?.name ?? 'value', series }
}
