// Curves of an evaluation report turned into drawable series: points, names, legend metrics,
// chance and ideal lines. Pure TS; the chart option builders (src/charts/options) style them.
import type { CalibrationBins, Curves, EvaluationReport, Label, Num, Task } from '../../api/evalTypes'
import { detCoordinate } from './probit'

export type CurveKind = 'roc' | 'precision_recall' | 'det' | 'cumulative_gains' | 'lift' | 'ks'
export const CURVE_KINDS: CurveKind[] = ['roc', 'precision_recall', 'det', 'cumulative_gains', 'lift', 'ks']

export type LineStyle = 'solid' | 'dashed' | 'dotted'
/** [x, y, threshold] */
export type Point = [number, number, number | null]

export interface CurveSeries {
  /** The legend entry; several series may share one (KS draws TPR and FPR per class). */
  name: string
  points: Point[]
  /** 'class' (coloured by index), 'average' (micro/macro), 'reference' (chance/ideal), 'run'. */
  role: 'class' | 'average' | 'reference' | 'run'
  index: number
  style: LineStyle
  /** Shown after the name in the legend, e.g. "AUC 0.912". */
  note?: string
  symbols?: boolean
}

export interface CurveSpec {
  title: string
  x: string
  y: string
  xName: string
  yName: string
  /** Metric shown in the legend and its short name. */
  metric?: { base: string; short: string }
  /** The axes' range (null: from the data). */
  xRange?: [number, number]
  yRange?: [number, number] | null
  probit?: boolean
}

export const CURVE_SPECS: Record<CurveKind, CurveSpec> = {
  roc: { title: 'ROC', x: 'fpr', y: 'tpr', xName: 'False positive rate', yName: 'True positive rate', metric: { base: 'roc_auc', short: 'AUC' }, xRange: [0, 1], yRange: [0, 1] },
  precision_recall: { title: 'Precision–recall', x: 'recall', y: 'precision', xName: 'Recall', yName: 'Precision', metric: { base: 'average_precision', short: 'AP' }, xRange: [0, 1], yRange: [0, 1] },
  det: { title: 'DET', x: 'fpr', y: 'fnr', xName: 'False positive rate (probit)', yName: 'False negative rate (probit)', probit: true },
  cumulative_gains: { title: 'Cumulative gains', x: 'fraction', y: 'gain', xName: 'Fraction of samples (by score)', yName: 'Fraction of positives found', xRange: [0, 1], yRange: [0, 1] },
  lift: { title: 'Lift', x: 'fraction', y: 'lift', xName: 'Fraction of samples (by score)', yName: 'Lift', xRange: [0, 1], yRange: null },
  ks: { title: 'Kolmogorov–Smirnov', x: 'thresholds', y: 'tpr', xName: 'Threshold', yName: 'Cumulative rate (TPR solid, FPR dashed)', metric: { base: 'ks_statistic', short: 'KS' }, xRange: [0, 1], yRange: [0, 1] },
}

export const AVERAGE_KEYS = ['micro', 'macro']

/** The metric name of `base` for a curve key: binary has no suffix, averages use _micro/_macro,
 * classes /<label>. */
export function metricName(base: string, key: string, task: Task): string {
  if (task === 'binary') return base
  if (key === 'micro' || key === 'macro') return `${base}_${key}`
  return `${base}/${key}`
}

/** Keys of a curve kind in display order: classes in label order, then micro and macro. */
export function curveKeys(byKey: Record<string, unknown> | undefined, labels: Label[]): string[] {
  if (!byKey) return []
  const keys = Object.keys(byKey)
  const classes = labels.map(String).filter((l) => keys.includes(l))
  const rest = keys.filter((k) => !classes.includes(k) && !AVERAGE_KEYS.includes(k) && k !== 'top_label')
  return [...classes, ...rest, ...AVERAGE_KEYS.filter((k) => keys.includes(k))]
}

function zip(xs: Num[] | undefined, ys: Num[] | undefined, ts?: Num[], transform?: (v: Num) => Num, shiftThresholds = 0): Point[] {
  const out: Point[] = []
  if (!xs || !ys) return out
  for (let i = 0; i < xs.length; i++) {
    let x = xs[i]
    let y = ys[i]
    if (transform) {
      x = transform(x)
      y = transform(y)
    }
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue
    const t = ts ? (ts[i - shiftThresholds] ?? null) : null
    out.push([x, y, t])
  }
  return out
}

export function formatMetric(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(3)
}

/** The series of one curve kind for every key, with the metric in the legend. */
export function curveSeries(kind: CurveKind, report: Pick<EvaluationReport, 'curves' | 'labels' | 'metrics' | 'task'>): CurveSeries[] {
  const byKey = report.curves[kind] as Record<string, Record<string, Num[]>> | undefined
  const spec = CURVE_SPECS[kind]
  const out: CurveSeries[] = []
  curveKeys(byKey, report.labels).forEach((key, index) => {
    const c = byKey![key]
    const average = AVERAGE_KEYS.includes(key)
    const role = average ? 'average' : 'class'
    const style: LineStyle = key === 'macro' ? 'dotted' : average ? 'dashed' : 'solid'
    const note = spec.metric ? `${spec.metric.short} ${formatMetric(report.metrics[metricName(spec.metric.base, key, report.task)])}` : undefined
    const base = { name: key, role, index, note } as const
    if (kind === 'roc') out.push({ ...base, style, points: zip(c.fpr, c.tpr, c.thresholds) })
    else if (kind === 'precision_recall')
      // scikit-learn layout: thresholds has one entry fewer (the last point has none)
      out.push({ ...base, style, points: zip(c.recall, c.precision, c.thresholds) })
    else if (kind === 'det') out.push({ ...base, style, points: zip(c.fpr, c.fnr, c.thresholds, detCoordinate) })
    else if (kind === 'cumulative_gains') out.push({ ...base, style, points: zip(c.fraction, c.gain, c.thresholds) })
    else if (kind === 'lift') out.push({ ...base, style, points: zip(c.fraction, c.lift, c.thresholds) })
    else if (kind === 'ks') {
      out.push({ ...base, style, points: zip(c.thresholds, c.tpr, c.thresholds) })
      out.push({ ...base, style: 'dashed', note: undefined, points: zip(c.thresholds, c.fpr, c.thresholds) })
    }
  })
  return out
}

/** Chance and ideal lines; `prevalence` is the positive share of the class in focus. */
export function referenceSeries(kind: CurveKind, prevalence: number | null): CurveSeries[] {
  const ref = (name: string, points: [number, number][], style: LineStyle = 'dashed'): CurveSeries => ({
    name,
    role: 'reference',
    index: 0,
    style,
    points: points.map(([x, y]) => [x, y, null]),
  })
  const p = prevalence !== null && prevalence > 0 && prevalence < 1 ? prevalence : null
  switch (kind) {
    case 'roc':
      return [ref('chance', [[0, 0], [1, 1]]), ref('ideal', [[0, 0], [0, 1], [1, 1]], 'dotted')]
    case 'precision_recall':
      return p === null ? [ref('ideal', [[0, 1], [1, 1]], 'dotted')] : [ref('chance', [[0, p], [1, p]]), ref('ideal', [[0, 1], [1, 1], [1, p]], 'dotted')]
    case 'det': {
      // chance: fnr = 1 − fpr, i.e. y = −x on probit axes
      const a = detCoordinate(0.0005)!
      return [ref('chance', [[a, -a], [-a, a]])]
    }
    case 'cumulative_gains':
      return p === null ? [ref('chance', [[0, 0], [1, 1]])] : [ref('chance', [[0, 0], [1, 1]]), ref('ideal', [[0, 0], [p, 1], [1, 1]], 'dotted')]
    case 'lift': {
      if (p === null) return [ref('chance', [[0, 1], [1, 1]])]
      const ideal: [number, number][] = [[0, 1 / p], [p, 1 / p]]
      for (let f = p + 0.02; f < 1; f += 0.02) ideal.push([f, 1 / f])
      ideal.push([1, 1])
      return [ref('chance', [[0, 1], [1, 1]]), ref('ideal', ideal, 'dotted')]
    }
    case 'ks':
      return []
  }
}

/** Positive share of a class (binary: the positive label; averages: 1 / classes) from supports. */
export function prevalence(report: Pick<EvaluationReport, 'metrics' | 'labels' | 'task' | 'n_samples'>, key: string): number | null {
  if (report.n_samples <= 0) return null
  if (key === 'micro' || key === 'macro') {
    if (report.task === 'multilabel') {
      let total = 0
      for (const l of report.labels) total += report.metrics[`support/${String(l)}`] ?? 0
      return total / (report.n_samples * Math.max(1, report.labels.length))
    }
    return report.labels.length > 0 ? 1 / report.labels.length : null
  }
  const support = report.metrics[`support/${key}`]
  return support === undefined ? null : support / report.n_samples
}

// ---------------------------------------------------------------- calibration

/** ECE of one set of bins: Σ count·|fraction positive − mean predicted| / Σ count. */
export function binsEce(bins: CalibrationBins): number | null {
  let total = 0
  let sum = 0
  bins.count.forEach((count, i) => {
    const f = bins.fraction_positive[i]
    const m = bins.mean_predicted[i]
    if (f === null || m === null || !(count > 0)) return
    total += count
    sum += count * Math.abs(f - m)
  })
  return total > 0 ? sum / total : null
}

export function calibrationKeys(curves: Curves, labels: Label[]): string[] {
  const keys = curveKeys(curves.calibration, labels)
  return curves.calibration && 'top_label' in curves.calibration ? [...keys, 'top_label'] : keys
}

/** Per-class metric table: one row per class with support, precision, recall, F1, AUC, AP. */
export const CLASS_REPORT_COLUMNS = ['support', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision'] as const

export function classReport(report: Pick<EvaluationReport, 'metrics' | 'labels' | 'task'>): { label: string; values: (number | null)[] }[] {
  const labels = report.task === 'binary' ? report.labels.map(String) : report.labels.map(String)
  return labels.map((label) => ({
    label,
    values: CLASS_REPORT_COLUMNS.map((c) => {
      let v = report.metrics[`${c}/${label}`]
      // binary reports AUC/AP once, for the positive class
      if (v === undefined && report.task === 'binary' && (c === 'roc_auc' || c === 'average_precision') && label === String(report.labels[1])) v = report.metrics[c]
      return v === undefined ? null : v
    }),
  }))
}
