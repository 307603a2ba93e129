// Regression diagnostics: the normal Q-Q plot of the residuals and the error by target bin
// (MAE / RMSE bars, mean error line). Pure.
import type { Curves } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, itemTooltip, PALETTE, REFERENCE_COLOR, tooltipBase } from './common'

type Num = number | null

/** `curves.qq`: theoretical normal quantiles vs standardised residual quantiles (≤ 200 points). */
export interface QQCurve {
  theoretical: Num[]
  sample: Num[]
  probability: Num[]
  mean: number
  std: number
  n: number
}

/** `curves.error_by_target_bin`: per bin of y_true (the bins of predicted_vs_true);
 * error = predicted − true, null for an empty bin. */
export interface ErrorByTargetBin {
  bin_edges: number[]
  count: number[]
  mean_error: Num[]
  mae: Num[]
  rmse: Num[]
}

export type DiagnosticCurves = Curves & { qq?: QQCurve; error_by_target_bin?: ErrorByTargetBin }

const round4 = (v: number) => formatNumber(Number(v.toPrecision(4)))

/** Axis whose range ends at the data's extremes: label only the round ticks inside it. */
const edgeless = (colors: ChartColors) => ({ ...axisStyle(colors), axisLabel: { color: colors.muted, formatter: round4, showMinLabel: false, showMaxLabel: false, hideOverlap: true } })

/** Finite [theoretical, sample] pairs of the Q-Q curve. */
export function qqPoints(data: QQCurve): [number, number][] {
  const out: [number, number][] = []
  data.theoretical.forEach((t, i) => {
    const s = data.sample[i]
    if (t !== null && s !== null && Number.isFinite(t) && Number.isFinite(s)) out.push([t, s])
  })
  return out
}

/** The y = x reference over the range covering both axes (so it crosses the whole plot). */
export function qqReference(points: [number, number][]): [number, number][] {
  if (points.length === 0) return [
    [-1, -1],
    [1, 1],
  ]
  let lo = Infinity
  let hi = -Infinity
  for (const [t, s] of points) {
    lo = Math.min(lo, t, s)
    hi = Math.max(hi, t, s)
  }
  if (!(hi > lo)) {
    lo -= 1
    hi += 1
  }
  return [
    [lo, lo],
    [hi, hi],
  ]
}

export function qqOption(data: QQCurve, colors: ChartColors) {
  const points = qqPoints(data)
  const ref = qqReference(points)
  const [lo, hi] = [ref[0][0], ref[1][0]]
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['residual quantiles', 'y = x (normal)'], textStyle: { color: colors.text } },
    tooltip: itemTooltip(colors, (p: { seriesName: string; data: number[] }) =>
      `${escapeHtml(p.seriesName)}<br>normal quantile ${round4(p.data[0])}<br>standardised residual ${round4(p.data[1])}` +
      (p.seriesName === 'residual quantiles' && data.std > 0 ? `<br>residual ${round4(data.mean + data.std * p.data[1])}` : '')),
    grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
    xAxis: { type: 'value', min: lo, max: hi, name: 'Theoretical normal quantile', nameLocation: 'middle', nameGap: 24, ...edgeless(colors) },
    yAxis: { type: 'value', min: lo, max: hi, name: 'Standardised residual', nameLocation: 'middle', nameGap: 40, ...edgeless(colors) },
    series: [
      { type: 'scatter', name: 'residual quantiles', data: points, symbolSize: 5, color: PALETTE[1] },
      { type: 'line', name: 'y = x (normal)', data: ref, color: REFERENCE_COLOR, lineStyle: { type: 'dashed', width: 1 }, showSymbol: false, silent: true },
    ],
  }
}

/** The Q-Q points as CSV columns (the route's columns, in its order). */
export function qqCsvColumns(data: QQCurve) {
  return { probability: data.probability, theoretical: data.theoretical, sample: data.sample }
}

/** Category labels of the target bins: "lo … hi" with 4 significant digits. */
export function binLabels(edges: number[]): string[] {
  return edges.slice(0, -1).map((e, i) => `${round4(e)} … ${round4(edges[i + 1])}`)
}

export function errorByBinOption(data: ErrorByTargetBin, colors: ChartColors) {
  const labels = binLabels(data.bin_edges)
  const names = ['MAE', 'RMSE', 'mean error (bias)']
  return {
    ...baseOption(colors),
    legend: { top: 0, data: names, textStyle: { color: colors.text } },
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const i = ps[0]?.dataIndex ?? 0
        const v = (x: Num) => (x === null ? '—' : round4(x))
        return `true ${escapeHtml(labels[i])}<br>${formatNumber(Number(data.count[i].toPrecision(6)))} samples<br>MAE ${v(data.mae[i])}<br>RMSE ${v(data.rmse[i])}<br>mean error ${v(data.mean_error[i])}`
      },
    },
    grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
    xAxis: {
      type: 'category',
      data: labels,
      name: 'True value (binned)',
      nameLocation: 'middle',
      nameGap: 24,
      ...axisStyle(colors),
      axisLabel: { color: colors.muted, hideOverlap: true, formatter: (s: string) => s.split(' … ')[0] },
    },
    yAxis: { type: 'value', name: 'Error (predicted − true)', nameLocation: 'middle', nameGap: 40, ...axisStyle(colors) },
    series: [
      { type: 'bar', name: 'MAE', data: data.mae, color: PALETTE[0], barGap: '0%', barCategoryGap: '25%' },
      { type: 'bar', name: 'RMSE', data: data.rmse, color: PALETTE[2] },
      {
        type: 'line',
        name: 'mean error (bias)',
        data: data.mean_error,
        color: PALETTE[3],
        showSymbol: true,
        symbolSize: 5,
        connectNulls: false,
        lineStyle: { width: 2 },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: REFERENCE_COLOR, type: 'dashed' }, data: [{ yAxis: 0 }], label: { show: false } },
      },
    ],
  }
}

/** The error by target bin as CSV columns: bin bounds then the route's columns. */
export function errorByBinCsvColumns(data: ErrorByTargetBin) {
  return { bin_lower: data.bin_edges.slice(0, -1), bin_upper: data.bin_edges.slice(1), count: data.count, mean_error: data.mean_error, mae: data.mae, rmse: data.rmse }
}
