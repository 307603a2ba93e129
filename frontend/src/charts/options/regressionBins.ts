// Charts of regression diagnostics logged in Azure ML's schemas (log_residuals, and
// log_predictions with a "predictions" document): the residual histogram as logged, and the
// average prediction per bin of true values with its error bars, the ideal y = x and the counts.
// Pure.
import type { RegressionBinsResponse, ResidualHistogram } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { baseOption, type ChartColors, escapeHtml, itemTooltip, PALETTE, REFERENCE_COLOR } from './common'
import { histogramOption, predictedVsTrueAxes } from './regression'

export const binCenters = (edges: number[]) => edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2)

/** A logged residuals document as the histogram the evaluation reports draw. */
export function loggedResidualHistogram(d: RegressionBinsResponse): ResidualHistogram {
  return { bin_edges: d.bin_edges, count: d.bin_counts }
}

/** Azure's residuals are predicted − actual: label the axis so, not with our true − predicted. */
export function loggedResidualsOption(d: RegressionBinsResponse, colors: ChartColors) {
  return histogramOption(loggedResidualHistogram(d), colors, 'Residual (as logged: predicted − true)')
}

/** One error bar per bin: vertical segment average ± error with caps, segments split by gaps. */
export function errorBarSegments(edges: number[], averages: number[], errors: number[]): (number | null)[][] {
  const out: (number | null)[][] = []
  binCenters(edges).forEach((x, i) => {
    const lo = averages[i] - errors[i]
    const hi = averages[i] + errors[i]
    const cap = (edges[i + 1] - edges[i]) * 0.05
    out.push([x - cap, lo], [x + cap, lo], [x, null], [x, lo], [x, hi], [x, null], [x - cap, hi], [x + cap, hi], [x, null])
  })
  return out
}

export function binnedPredictionsOption(d: RegressionBinsResponse, colors: ChartColors) {
  const edges = d.bin_edges
  const averages = d.bin_averages ?? []
  const errors = d.bin_errors ?? []
  const x = binCenters(edges)
  const lo = edges[0]
  const hi = edges[edges.length - 1]
  const points = x.map((xi, i) => [xi, averages[i], errors[i], d.bin_counts[i]])
  return {
    ...baseOption(colors),
    legend: { top: 0, data: ['average predicted', 'error', 'ideal'], textStyle: { color: colors.text } },
    tooltip: itemTooltip(colors, (p: { seriesName: string; dataIndex: number }) => {
      const i = p.seriesName === 'count' || p.seriesName === 'average predicted' ? p.dataIndex : -1
      if (i < 0) return escapeHtml(p.seriesName)
      return `true ${formatNumber(edges[i])} … ${formatNumber(edges[i + 1])}<br>predicted ${formatNumber(averages[i])} ± ${formatNumber(errors[i])}<br>samples ${formatNumber(d.bin_counts[i])}`
    }),
    ...predictedVsTrueAxes(lo, hi, colors),
    series: [
      { type: 'line', name: 'error', data: errorBarSegments(edges, averages, errors), connectNulls: false, showSymbol: false, silent: true, color: PALETTE[0], lineStyle: { width: 1.5 }, xAxisIndex: 0, yAxisIndex: 0 },
      { type: 'line', name: 'average predicted', data: points, color: PALETTE[0], showSymbol: true, symbolSize: 7, xAxisIndex: 0, yAxisIndex: 0, lineStyle: { width: 2 } },
      { type: 'line', name: 'ideal', data: [[lo, lo], [hi, hi]], color: REFERENCE_COLOR, lineStyle: { type: 'dashed', width: 1 }, showSymbol: false, silent: true, xAxisIndex: 0, yAxisIndex: 0 },
      { type: 'bar', name: 'count', data: x.map((c, i) => [c, d.bin_counts[i]]), barWidth: '90%', xAxisIndex: 1, yAxisIndex: 1, color: colors.muted },
    ],
  }
}
