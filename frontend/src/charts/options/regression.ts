// Regression charts: predicted vs true (binned mean ± 1 std band, ideal line, count histogram,
// or a 2-D density heatmap), residual histogram, residuals vs predicted. Pure.
import type { PredictedVsTrue, PredictedVsTrueDensity, ResidualHistogram, ResidualsVsPredicted } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, itemTooltip, PALETTE, REFERENCE_COLOR } from './common'

const centers = (edges: number[]) => edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2)

/** Band series: a transparent lower line and a filled (upper − lower) stacked on it. */
function band(name: string, x: number[], mean: (number | null)[], std: (number | null)[], color: string, axis = 0) {
  const lower: (number | null)[][] = []
  const width: (number | null)[][] = []
  x.forEach((xi, i) => {
    const m = mean[i]
    const s = std[i] ?? 0
    if (m === null) return
    lower.push([xi, m - s])
    width.push([xi, 2 * s])
  })
  const stack = `${name}-band`
  return [
    { type: 'line', name: '±1 std', data: lower, stack, stackStrategy: 'all', xAxisIndex: axis, yAxisIndex: axis, lineStyle: { opacity: 0 }, showSymbol: false, silent: true, color },
    { type: 'line', name: '±1 std', data: width, stack, stackStrategy: 'all', xAxisIndex: axis, yAxisIndex: axis, lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.22 }, showSymbol: false, silent: true, color },
  ]
}

/** The predicted-vs-true layout: predicted against the binned true value (lo … hi) above, the
 * count per bin below on the same x range. */
export function predictedVsTrueAxes(lo: number, hi: number, colors: ChartColors) {
  return {
    grid: [
      { left: 8, right: 16, top: 32, height: '58%', containLabel: true },
      { left: 8, right: 16, bottom: 28, height: '18%', containLabel: true },
    ],
    xAxis: [
      { type: 'value', gridIndex: 0, min: lo, max: hi, name: 'True value (binned)', nameLocation: 'middle', nameGap: 24, ...axisStyle(colors) },
      { type: 'value', gridIndex: 1, min: lo, max: hi, ...axisStyle(colors) },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, name: 'Predicted', nameLocation: 'middle', nameGap: 40, ...axisStyle(colors) },
      { type: 'value', gridIndex: 1, name: 'count', splitNumber: 2, ...axisStyle(colors) },
    ],
  }
}

export function predictedVsTrueOption(data: PredictedVsTrue, colors: ChartColors) {
  const x = data.true_mean.map((m, i) => (m === null ? centers(data.bin_edges)[i] : m))
  const lo = data.bin_edges[0]
  const hi = data.bin_edges[data.bin_edges.length - 1]
  const mean = x.map((xi, i) => [xi, data.predicted_mean[i], data.count[i]]).filter((p) => p[1] !== null)
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['mean predicted', '±1 std', 'ideal'], textStyle: { color: colors.text } },
    tooltip: itemTooltip(colors, (p: { seriesName: string; data: number[] }) => `${escapeHtml(p.seriesName)}<br>true ${formatNumber(p.data[0])}<br>${p.seriesName === 'count' ? 'samples' : 'predicted'} ${formatNumber(p.data[1])}${p.data[2] !== undefined ? `<br>samples ${formatNumber(p.data[2])}` : ''}`),
    ...predictedVsTrueAxes(lo, hi, colors),
    series: [
      ...band('pvt', x, data.predicted_mean, data.predicted_std, PALETTE[0]),
      { type: 'line', name: 'mean predicted', data: mean, color: PALETTE[0], showSymbol: true, symbolSize: 5, xAxisIndex: 0, yAxisIndex: 0, lineStyle: { width: 2 } },
      { type: 'line', name: 'ideal', data: [[lo, lo], [hi, hi]], color: REFERENCE_COLOR, lineStyle: { type: 'dashed', width: 1 }, showSymbol: false, silent: true, xAxisIndex: 0, yAxisIndex: 0 },
      {
        type: 'bar',
        name: 'count',
        data: centers(data.bin_edges).map((c, i) => [c, data.count[i]]),
        barWidth: '90%',
        xAxisIndex: 1,
        yAxisIndex: 1,
        color: colors.muted,
      },
    ],
  }
}

export function histogramOption(data: ResidualHistogram, colors: ChartColors, xName = 'Residual (true − predicted)') {
  const c = centers(data.bin_edges)
  const width = data.bin_edges.length > 1 ? data.bin_edges[1] - data.bin_edges[0] : 1
  return {
    ...baseOption(colors),
    tooltip: itemTooltip(colors, (p: { dataIndex: number }) =>
      `${formatNumber(Number(data.bin_edges[p.dataIndex].toPrecision(4)))} … ${formatNumber(Number(data.bin_edges[p.dataIndex + 1].toPrecision(4)))}<br>${formatNumber(data.count[p.dataIndex])} samples`),
    grid: { left: 8, right: 16, top: 28, bottom: 36, containLabel: true },
    xAxis: {
      type: 'value',
      min: data.bin_edges[0],
      max: data.bin_edges[data.bin_edges.length - 1],
      name: xName,
      nameLocation: 'middle',
      nameGap: 24,
      ...axisStyle(colors),
      // the range ends at the data's extremes: label only the round ticks inside it
      axisLabel: { color: colors.muted, formatter: (v: number) => formatNumber(v), showMinLabel: false, showMaxLabel: false },
    },
    yAxis: { type: 'value', name: 'count', ...axisStyle(colors) },
    series: [
      { type: 'bar', data: c.map((x, i) => [x, data.count[i]]), barWidth: Math.max(1, width) > 0 ? '95%' : 1, color: PALETTE[1] },
      { type: 'line', data: [[0, 0]], markLine: { silent: true, symbol: 'none', lineStyle: { color: REFERENCE_COLOR, type: 'dashed' }, data: [{ xAxis: 0 }], label: { show: false } }, showSymbol: false },
    ],
  }
}

export function residualsOption(data: ResidualsVsPredicted, colors: ChartColors) {
  const x = centers(data.bin_edges)
  const mean = x.map((xi, i) => [xi, data.residual_mean[i], data.count[i]]).filter((p) => p[1] !== null)
  const sample = (data.sample_predicted ?? []).map((p, i) => [p, data.sample_residual![i]])
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['samples', 'mean residual', '±1 std'], textStyle: { color: colors.text } },
    tooltip: itemTooltip(colors, (p: { seriesName: string; data: number[] }) => `${escapeHtml(p.seriesName)}<br>predicted ${formatNumber(p.data[0])}<br>residual ${formatNumber(p.data[1])}`),
    grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
    xAxis: { type: 'value', scale: true, name: 'Predicted', nameLocation: 'middle', nameGap: 24, ...axisStyle(colors) },
    yAxis: { type: 'value', scale: true, name: 'Residual', nameLocation: 'middle', nameGap: 40, ...axisStyle(colors) },
    series: [
      { type: 'scatter', name: 'samples', data: sample, symbolSize: 3, color: colors.muted, itemStyle: { opacity: 0.5 } },
      ...band('res', x, data.residual_mean, data.residual_std, PALETTE[1]),
      {
        type: 'line',
        name: 'mean residual',
        data: mean,
        color: PALETTE[1],
        showSymbol: true,
        symbolSize: 4,
        lineStyle: { width: 2 },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: REFERENCE_COLOR, type: 'dashed' }, data: [{ yAxis: 0 }], label: { show: false } },
      },
    ],
  }
}

/** Above this many samples the predicted-vs-true card opens on the density view. */
export const DENSITY_DEFAULT_N = 5000

/** The view the predicted-vs-true card opens with: density for large n (when the report has it). */
export function defaultPvtView(n: number, hasDensity: boolean): 'binned' | 'density' {
  return hasDensity && n > DENSITY_DEFAULT_N ? 'density' : 'binned'
}

/** Sequential colour ramps of the density (low → high): light-to-dark on the light theme,
 * dark-to-light on the dark theme, so sparse cells stay visible against the background. */
export const DENSITY_RAMP = {
  light: ['#c6dbef', '#6baed6', '#2171b5', '#08519c', '#08306b'],
  dark: ['#1d4f7a', '#2b7bba', '#5aa6dc', '#a5cff0', '#f0f8ff'],
}

/** Heatmap cells: [x bin, y bin, log10(1 + count), count], empty cells left out. */
export function densityCells(data: PredictedVsTrueDensity): [number, number, number, number][] {
  const out: [number, number, number, number][] = []
  data.counts.forEach((row, i) => row.forEach((c, j) => c > 0 && out.push([i, j, Math.log10(1 + c), c])))
  return out
}

/** Axis labels of a range that ends at the data's extremes: only the round ticks inside it. */
const edgeless = (colors: ChartColors) => ({ color: colors.muted, formatter: (v: number) => formatNumber(v), showMinLabel: false, showMaxLabel: false, hideOverlap: true })

const round4 = (v: number) => formatNumber(Number(v.toPrecision(4)))

/**
 * The density view of predicted vs true: a heatmap on category axes (ECharts heatmaps need
 * them) with hidden value axes over the same grid for the ticks, the ideal y = x diagonal and
 * (when given) the binned mean prediction. The colour scale is log10(1 + count), so a dense
 * core does not wash out the tails; the visual map's labels show counts.
 */
export function densityOption(data: PredictedVsTrueDensity, colors: ChartColors, dark = false, binned?: PredictedVsTrue) {
  const nx = data.x_edges.length - 1
  const ny = data.y_edges.length - 1
  const cells = densityCells(data)
  const top = cells.reduce((m, c) => Math.max(m, c[2]), 0)
  const bottom = cells.reduce((m, c) => Math.min(m, c[2]), Infinity)
  const lo = data.x_edges[0]
  const hi = data.x_edges[nx]
  const ylo = data.y_edges[0]
  const yhi = data.y_edges[ny]
  const counts = (v: number) => formatNumber(Number((10 ** v - 1).toPrecision(2)))
  const mean = binned
    ? binned.true_mean.map((t, i) => [t, binned.predicted_mean[i]]).filter((p): p is [number, number] => p[0] !== null && p[1] !== null)
    : []
  const hidden = { show: false, axisLine: { show: false }, axisTick: { show: false }, axisLabel: { show: false }, splitLine: { show: false } }
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['samples (log colour)', ...(mean.length ? ['mean predicted'] : []), 'ideal'], textStyle: { color: colors.text } },
    tooltip: itemTooltip(colors, (p: { seriesType: string; seriesName: string; data: number[] }) => {
      if (p.seriesType !== 'heatmap') return `${escapeHtml(p.seriesName)}<br>true ${round4(p.data[0])}<br>predicted ${round4(p.data[1])}`
      const [i, j, , c] = p.data
      return `true ${round4(data.x_edges[i])} … ${round4(data.x_edges[i + 1])}<br>predicted ${round4(data.y_edges[j])} … ${round4(data.y_edges[j + 1])}<br>${formatNumber(Number(c.toPrecision(6)))} samples`
    }),
    grid: { left: 8, right: 72, top: 32, bottom: 36, containLabel: true },
    xAxis: [
      { type: 'category', data: Array.from({ length: nx }, (_, i) => String(i)), ...hidden },
      { type: 'value', min: lo, max: hi, position: 'bottom', name: 'True value', nameLocation: 'middle', nameGap: 24, ...axisStyle(colors), axisLabel: { ...edgeless(colors) }, splitLine: { show: false } },
    ],
    yAxis: [
      { type: 'category', data: Array.from({ length: ny }, (_, i) => String(i)), ...hidden },
      { type: 'value', min: ylo, max: yhi, position: 'left', name: 'Predicted', nameLocation: 'middle', nameGap: 40, ...axisStyle(colors), axisLabel: { ...edgeless(colors) }, splitLine: { show: false } },
    ],
    visualMap: {
      type: 'continuous',
      // from a count of 1 (or the smallest weighted sum) to the densest cell
      min: Math.min(Math.log10(2), bottom),
      max: Math.max(top, Math.log10(2) + 1e-9),
      dimension: 2,
      seriesIndex: 0,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 160,
      // handles filter the shown counts; their labels (and the ends) read as counts, not logs
      calculable: true,
      textStyle: { color: colors.muted },
      formatter: (v: number) => counts(v),
      inRange: { color: dark ? DENSITY_RAMP.dark : DENSITY_RAMP.light },
    },
    series: [
      { type: 'heatmap', name: 'samples (log colour)', color: (dark ? DENSITY_RAMP.dark : DENSITY_RAMP.light)[3], data: cells, xAxisIndex: 0, yAxisIndex: 0, progressive: 0, emphasis: { itemStyle: { borderColor: colors.text, borderWidth: 1 } } },
      ...(mean.length
        ? [{ type: 'line', name: 'mean predicted', data: mean, xAxisIndex: 1, yAxisIndex: 1, color: PALETTE[0], showSymbol: true, symbolSize: 4, lineStyle: { width: 2 }, z: 4 }]
        : []),
      { type: 'line', name: 'ideal', data: [[lo, lo], [hi, hi]], xAxisIndex: 1, yAxisIndex: 1, color: colors.text, lineStyle: { type: 'dashed', width: 1 }, showSymbol: false, silent: true, z: 3 },
    ],
  }
}

/** The density as CSV rows: one per cell (empty ones too), row-major. */
export function densityCsvColumns(data: PredictedVsTrueDensity) {
  const cols = { true_lower: [] as number[], true_upper: [] as number[], predicted_lower: [] as number[], predicted_upper: [] as number[], count: [] as number[] }
  data.counts.forEach((row, i) =>
    row.forEach((c, j) => {
      cols.true_lower.push(data.x_edges[i])
      cols.true_upper.push(data.x_edges[i + 1])
      cols.predicted_lower.push(data.y_edges[j])
      cols.predicted_upper.push(data.y_edges[j + 1])
      cols.count.push(c)
    }),
  )
  return cols
}
