// Regression charts: predicted vs true (binned mean ± 1 std band, ideal line, count histogram),
// residual histogram, residuals vs predicted. Pure.
import type { PredictedVsTrue, ResidualHistogram, ResidualsVsPredicted } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, PALETTE, REFERENCE_COLOR, tooltipBase } from './common'

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

export function predictedVsTrueOption(data: PredictedVsTrue, colors: ChartColors) {
  const x = data.true_mean.map((m, i) => (m === null ? centers(data.bin_edges)[i] : m))
  const lo = data.bin_edges[0]
  const hi = data.bin_edges[data.bin_edges.length - 1]
  const mean = x.map((xi, i) => [xi, data.predicted_mean[i], data.count[i]]).filter((p) => p[1] !== null)
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['mean predicted', '±1 std', 'ideal'], textStyle: { color: colors.text } },
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'item',
      formatter: (p: { seriesName: string; data: number[] }) => `${escapeHtml(p.seriesName)}<br>true ${formatNumber(p.data[0])}<br>${p.seriesName === 'count' ? 'samples' : 'predicted'} ${formatNumber(p.data[1])}${p.data[2] !== undefined ? `<br>samples ${formatNumber(p.data[2])}` : ''}`,
    },
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
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'item',
      formatter: (p: { dataIndex: number }) =>
        `${formatNumber(Number(data.bin_edges[p.dataIndex].toPrecision(4)))} … ${formatNumber(Number(data.bin_edges[p.dataIndex + 1].toPrecision(4)))}<br>${formatNumber(data.count[p.dataIndex])} samples`,
    },
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
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'item',
      formatter: (p: { seriesName: string; data: number[] }) => `${escapeHtml(p.seriesName)}<br>predicted ${formatNumber(p.data[0])}<br>residual ${formatNumber(p.data[1])}`,
    },
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
