// The "best run" of a compared metric: the largest value, or the smallest for losses and
// errors. Pure TS.
import type { Cell } from '../api/types'

const LOWER_IS_BETTER = [
  'log_loss', 'ece', 'brier_score', 'hamming_loss', 'mean_squared_error', 'root_mean_squared_error', 'mean_absolute_error',
  'median_absolute_error', 'max_error', 'mean_absolute_percentage_error',
]

export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.includes(metric.split('/')[0])
}

/** Index of the best finite numeric value (first on ties), -1 when there is none. */
export function bestIndex(values: Cell[], metric: string): number {
  const sign = higherIsBetter(metric) ? 1 : -1
  let best = -1
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return
    if (best < 0 || sign * (v - (values[best] as number)) > 0) best = i
  })
  return best
}
