// The threshold slider's model: threshold -> row of the threshold table, the confusion counts at
// that row and the metrics computed from them, and the notable operating points. Pure TS.
import type { Num, ThresholdTable } from '../../api/evalTypes'

export interface Counts {
  tp: number
  fp: number
  tn: number
  fn: number
}

export interface OperatingMetrics extends Counts {
  precision: number | null
  recall: number | null
  f1: number | null
  accuracy: number | null
  specificity: number | null
  fpr: number | null
  mcc: number | null
}

const threshold = (value: Num | undefined): number => (value === null || value === undefined ? Infinity : value)

/**
 * The row of a descending threshold column that applies the rule `score >= t`: the last row
 * whose threshold is >= t (binary search, O(log n)). -1 when t is above every threshold (no
 * sample is predicted positive). null thresholds are +inf.
 */
export function indexForThreshold(thresholds: ArrayLike<Num>, t: number): number {
  let lo = 0
  let hi = thresholds.length // first index whose threshold < t
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (threshold(thresholds[mid]) >= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** The counts at row `index` (-1: nothing predicted positive). */
export function countsAt(table: ThresholdTable, index: number): Counts {
  if (index < 0) return { tp: 0, fp: 0, tn: table.negatives, fn: table.positives }
  return { tp: table.tp[index], fp: table.fp[index], tn: table.tn[index], fn: table.fn[index] }
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null)

/** Precision, recall, F1, accuracy, specificity, FPR and MCC from tp/fp/tn/fn (works with
 * weighted counts). Undefined ratios are null; MCC is 0 when a margin is empty (scikit-learn). */
export function metricsFromCounts(c: Counts): OperatingMetrics {
  const { tp, fp, tn, fn } = c
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
  return {
    ...c,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    specificity: ratio(tn, tn + fp),
    fpr: ratio(fp, fp + tn),
    mcc: denominator > 0 ? (tp * tn - fp * fn) / denominator : 0,
  }
}

function argBest(n: number, score: (i: number) => number, lowest = false): number {
  let best = -1
  let value = lowest ? Infinity : -Infinity
  for (let i = 0; i < n; i++) {
    const v = score(i)
    if (Number.isNaN(v)) continue
    if (lowest ? v < value : v > value) {
      value = v
      best = i
    }
  }
  return best
}

/** Row with the highest F1 (first on ties, i.e. the highest threshold). */
export function bestF1Index(table: ThresholdTable): number {
  return argBest(table.tp.length, (i) => {
    const d = 2 * table.tp[i] + table.fp[i] + table.fn[i]
    return d > 0 ? (2 * table.tp[i]) / d : NaN
  })
}

/** Row with the highest Youden's J = TPR − FPR. */
export function youdenIndex(table: ThresholdTable): number {
  const pos = table.positives
  const neg = table.negatives
  if (!(pos > 0) || !(neg > 0)) return -1
  return argBest(table.tp.length, (i) => table.tp[i] / pos - table.fp[i] / neg)
}

/** Expected cost per sample at each row: (costFp·FP + costFn·FN) / n. */
export function expectedCost(c: Counts, costFp: number, costFn: number): number {
  const n = c.tp + c.fp + c.tn + c.fn
  return n > 0 ? (costFp * c.fp + costFn * c.fn) / n : 0
}

/** Row with the lowest expected cost for the given FP and FN costs. */
export function costOptimumIndex(table: ThresholdTable, costFp: number, costFn: number): number {
  return argBest(table.tp.length, (i) => costFp * table.fp[i] + costFn * table.fn[i], true)
}

/** The threshold shown for a row (the slider's position), null for +inf. */
export function thresholdAt(table: ThresholdTable, index: number): number | null {
  if (index < 0) return null
  const t = table.thresholds[index]
  return t === null || t === undefined ? null : t
}

/** Slider range: [min, max] of the finite thresholds, clamped to [0, 1] for probabilities. */
export function thresholdRange(table: ThresholdTable): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const t of table.thresholds) {
    if (t === null || !Number.isFinite(t)) continue
    if (t < lo) lo = t
    if (t > hi) hi = t
  }
  if (!Number.isFinite(lo)) return [0, 1]
  return [Math.min(0, lo), Math.max(1, hi)]
}
