// Compare runs: one series per run for ROC / PR / calibration overlays, and the runs table
// (params and metrics). Pure TS.
import type { CalibrationCurve, CompareRun, EvaluationEntry, Num, PrCurve, RocCurve, Task } from '../../api/evalTypes'
import type { Cell, ColumnInfo } from '../../api/types'
import { type CurveSeries, type CurveSpec, formatMetric, metricName, type Point } from './series'

export type CompareKind = 'roc' | 'precision_recall' | 'calibration' | 'predicted_vs_true'

export const CALIBRATION_SPEC: CurveSpec = { title: 'Calibration', x: 'mean predicted', y: 'fraction positive', xName: 'Mean predicted probability', yName: 'Fraction of positives', xRange: [0, 1], yRange: [0, 1] }
export const PVT_SPEC: CurveSpec = { title: 'Predicted vs true', x: 'true', y: 'predicted', xName: 'True value (bin mean)', yName: 'Mean predicted', yRange: null }

/** The curve key compared for a run: binary its positive class, others the chosen average
 * (calibration: top-label when there is one, else micro). */
export function compareKey(run: CompareRun, kind: CompareKind, avg: 'micro' | 'macro'): string | null {
  const byKey = run.curves[kind as 'roc'] as Record<string, unknown> | undefined
  if (!byKey) return null
  if (run.task === 'binary') return Object.keys(byKey)[0] ?? null
  if (kind === 'calibration') return 'top_label' in byKey ? 'top_label' : 'micro' in byKey ? 'micro' : null
  return avg in byKey ? avg : 'micro' in byKey ? 'micro' : null
}

/** A task group of the compared runs ('unknown': the listing did not say). */
export interface TaskGroup {
  task: Task | 'unknown'
  runs: string[]
}

/** The chosen runs grouped by the task of their evaluation: the largest group first (ties: the
 * group whose first run comes first). Runs of different tasks are never overlaid. */
export function groupByTask(entries: Pick<EvaluationEntry, 'run' | 'task'>[]): TaskGroup[] {
  const groups: TaskGroup[] = []
  for (const e of entries) {
    const task = e.task ?? 'unknown'
    let g = groups.find((x) => x.task === task)
    if (!g) groups.push((g = { task, runs: [] }))
    if (!g.runs.includes(e.run)) g.runs.push(e.run)
  }
  return groups.map((g, i) => [g, i] as const).sort((a, b) => b[0].runs.length - a[0].runs.length || a[1] - b[1]).map(([g]) => g)
}

/** The shown task: the wanted one when some chosen run has it, else the task of most runs. */
export function pickTask(groups: TaskGroup[], wanted: string | null): TaskGroup | null {
  return groups.find((g) => g.task === wanted) ?? groups[0] ?? null
}

/** Runs of the compare response whose report has another task than the shown one (the listing's
 * task is the series' newest; a compared older step may differ). */
export function splitByTask(runs: CompareRun[], task: string | null): { shown: CompareRun[]; other: CompareRun[] } {
  if (task === null || task === 'unknown') return { shown: runs, other: [] }
  return { shown: runs.filter((r) => r.task === task), other: runs.filter((r) => r.task !== task) }
}

function points(xs: Num[], ys: Num[], ts?: Num[]): Point[] {
  const out: Point[] = []
  xs.forEach((x, i) => {
    const y = ys[i]
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) out.push([x, y, ts?.[i] ?? null])
  })
  return out
}

/** One series per run; `colorIndex` keeps each run's colour from the run picker. */
export function compareSeries(runs: CompareRun[], kind: CompareKind, avg: 'micro' | 'macro', colorIndex: (run: string) => number): CurveSeries[] {
  const out: CurveSeries[] = []
  for (const run of runs) {
    const base = { name: run.run, role: 'run' as const, index: colorIndex(run.run), style: 'solid' as const }
    if (kind === 'predicted_vs_true') {
      const p = run.curves.predicted_vs_true
      if (p) out.push({ ...base, points: points(p.true_mean, p.predicted_mean), note: `R² ${formatMetric(run.metrics.r2)}`, symbols: true })
      continue
    }
    const key = compareKey(run, kind, avg)
    if (key === null) continue
    if (kind === 'roc') {
      const c = (run.curves.roc as Record<string, RocCurve>)[key]
      out.push({ ...base, points: points(c.fpr, c.tpr, c.thresholds), note: `AUC ${formatMetric(run.metrics[metricName('roc_auc', key, run.task)])}` })
    } else if (kind === 'precision_recall') {
      const c = (run.curves.precision_recall as Record<string, PrCurve>)[key]
      out.push({ ...base, points: points(c.recall, c.precision, c.thresholds), note: `AP ${formatMetric(run.metrics[metricName('average_precision', key, run.task)])}` })
    } else {
      const c = (run.curves.calibration as Record<string, CalibrationCurve>)[key].uniform
      out.push({ ...base, points: points(c.mean_predicted, c.fraction_positive), note: `ECE ${formatMetric(run.metrics.ece)}`, symbols: true })
    }
  }
  return out
}

/** Metrics shown in the runs table, by task, when the runs report them. */
export const TABLE_METRICS = [
  'roc_auc', 'roc_auc_macro', 'average_precision', 'average_precision_macro', 'accuracy', 'balanced_accuracy', 'f1', 'f1_macro',
  'log_loss', 'ece', 'brier_score', 'matthews_corrcoef', 'r2', 'root_mean_squared_error', 'mean_absolute_error', 'spearman',
]

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The runs table: run, step, status, one column per param, the metrics, then the tags. */
export function compareTable(runs: CompareRun[]): { columns: ColumnInfo[]; rows: Cell[][] } {
  const params: string[] = []
  for (const r of runs) for (const p of Object.keys(r.params ?? {})) if (!params.includes(p)) params.push(p)
  const metrics = TABLE_METRICS.filter((m) => runs.some((r) => r.metrics[m] !== undefined))
  const numeric = (p: string) => runs.every((r) => r.params?.[p] === undefined || typeof r.params[p] === 'number')
  const columns: ColumnInfo[] = [
    { name: 'run', type: 'string' },
    { name: 'step', type: 'integer' },
    { name: 'status', type: 'string' },
    ...params.map((p) => ({ name: `param ${p}`, type: (numeric(p) ? 'number' : 'string') as ColumnInfo['type'] })),
    ...metrics.map((m) => ({ name: m, type: 'number' as const })),
    { name: 'tags', type: 'string' },
  ]
  const rows: Cell[][] = runs.map((r) => [
    r.run,
    r.step,
    r.status,
    ...params.map((p) => {
      const v = r.params?.[p]
      return v === undefined ? null : typeof v === 'number' ? v : text(v)
    }),
    ...metrics.map((m) => r.metrics[m] ?? null),
    Object.entries(r.tags ?? {})
      .map(([k, v]) => (v === '' ? k : `${k}=${text(v)}`))
      .join(', '),
  ])
  return { columns, rows }
}
