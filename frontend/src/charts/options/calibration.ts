// Reliability diagram (top) and histogram of confidences (bottom), ECE in the legend. Pure.
import type { CalibrationCurve } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { binsEce } from '../../model/eval/series'
import { axisStyle, baseOption, type ChartColors, escapeHtml, itemTooltip, noteLegend, PALETTE, REFERENCE_COLOR } from './common'

export interface CalibrationInput {
  curves: Record<string, CalibrationCurve>
  keys: string[]
  strategy: 'uniform' | 'quantile'
  hidden: ReadonlySet<string>
  /** The key whose confidences the histogram shows. */
  histogramKey: string | null
  colors: ChartColors
}

export function calibrationOption({ curves, keys, strategy, hidden, histogramKey, colors }: CalibrationInput) {
  const selected: Record<string, boolean> = {}
  for (const k of keys) selected[k] = !hidden.has(k)
  const notes = new Map<string, string>()
  for (const k of keys) {
    const ece = binsEce(curves[k].uniform)
    if (ece !== null) notes.set(k, `ECE ${ece.toFixed(3)}`)
  }
  const colorOf = (k: string, i: number) => (k === 'micro' || k === 'top_label' ? colors.text : PALETTE[i % PALETTE.length])
  const line = keys.map((k, i) => {
    const bins = curves[k][strategy] ?? curves[k].uniform
    const data = bins.mean_predicted
      .map((m, j) => [m, bins.fraction_positive[j], bins.count[j]] as const)
      .filter(([m, f]) => m !== null && f !== null)
    return {
      type: 'line',
      name: k,
      xAxisIndex: 0,
      yAxisIndex: 0,
      data,
      showSymbol: true,
      symbolSize: 6,
      color: colorOf(k, i),
      lineStyle: { width: k === 'micro' || k === 'top_label' ? 2.5 : 1.5, type: k === 'micro' ? 'dashed' : 'solid' },
      encode: { x: 0, y: 1 },
    }
  })
  const hist = histogramKey && curves[histogramKey] ? curves[histogramKey].uniform : null
  const histLabels = hist ? hist.bin_lower.map((lo, j) => `${formatNumber(Number(lo.toFixed(2)))}–${formatNumber(Number(hist.bin_upper[j].toFixed(2)))}`) : []
  return {
    ...baseOption(colors),
    legend: noteLegend(colors, [...keys, 'ideal'], selected, notes),
    tooltip: itemTooltip(colors, (p: { seriesName: string; data: unknown; name?: string }) => {
      if (Array.isArray(p.data) && p.data.length === 3) {
        const [m, f, c] = p.data as number[]
        return `${escapeHtml(p.seriesName)}<br>mean predicted ${formatNumber(m)}<br>fraction positive ${formatNumber(f)}<br>count ${formatNumber(c)}`
      }
      return `${escapeHtml(p.name ?? '')}: ${escapeHtml(String(p.data))} samples`
    }),
    grid: [
      { left: 8, right: 16, top: 36, height: '52%', containLabel: true },
      { left: 8, right: 16, bottom: 28, height: '20%', containLabel: true },
    ],
    xAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: 1, name: 'Mean predicted probability', nameLocation: 'middle', nameGap: 24, ...axisStyle(colors) },
      { type: 'category', gridIndex: 1, data: histLabels, ...axisStyle(colors, (v) => String(v)), axisLabel: { color: colors.muted, fontSize: 10, hideOverlap: true } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: 1, name: 'Fraction of positives', nameLocation: 'middle', nameGap: 36, ...axisStyle(colors) },
      { type: 'value', gridIndex: 1, name: histogramKey ? `count (${histogramKey})` : 'count', ...axisStyle(colors), nameTextStyle: { color: colors.muted, align: 'left' }, splitNumber: 2 },
    ],
    series: [
      {
        type: 'line',
        name: 'ideal',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: [
          [0, 0],
          [1, 1],
        ],
        silent: true,
        showSymbol: false,
        color: REFERENCE_COLOR,
        lineStyle: { type: 'dashed', width: 1 },
      },
      ...line,
      {
        type: 'bar',
        name: 'confidences',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: hist ? hist.count : [],
        barCategoryGap: '10%',
        color: colors.muted,
      },
    ],
  }
}
