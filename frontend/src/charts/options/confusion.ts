// Confusion matrix heatmap (counts or normalised, or a difference of two matrices). Category axes:
// ECharts' heatmap needs them. Stays usable with 100+ classes: zoom sliders, labels thinned.
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, itemTooltip } from './common'

export interface ConfusionInput {
  labels: string[]
  /** Values drawn, rows = true class, columns = predicted, in display order. */
  values: number[][]
  /** Raw counts for the tooltip (same order), when values are normalised. */
  counts?: number[][]
  normalized: boolean
  /** A difference: diverging colours centred on 0. */
  diverging?: boolean
  colors: ChartColors
  dark: boolean
}

export const ZOOM_FROM = 25

export function confusionOption({ labels, values, counts, normalized, diverging, colors, dark }: ConfusionInput) {
  const n = labels.length
  const data: [number, number, number][] = []
  let max = 0
  let min = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = values[i]?.[j] ?? 0
      data.push([j, i, v])
      if (i !== j || !diverging) max = Math.max(max, v)
      min = Math.min(min, v)
    }
  const bound = diverging ? Math.max(Math.abs(min), Math.abs(max), 1e-12) : Math.max(max, 1e-12)
  const zoom = n > ZOOM_FROM
  const showLabels = n <= 15
  const format = (v: number) => (normalized || diverging ? (diverging && v > 0 ? '+' : '') + (Math.abs(v) < 1e-12 ? '0' : formatNumber(Number(v.toFixed(3)))) : formatNumber(v))
  const label = (v: unknown) => {
    const text = String(v)
    return text.length > 14 ? `${text.slice(0, 13)}…` : text
  }
  const category = { type: 'category', data: labels, ...axisStyle(colors, label as never), splitArea: { show: false }, splitLine: { show: false } }
  return {
    ...baseOption(colors),
    grid: { left: 8, right: zoom ? 40 : 16, top: 16, bottom: zoom ? 72 : 48, containLabel: true },
    tooltip: itemTooltip(colors, (p: { data: [number, number, number] }) => {
      const [j, i, v] = p.data
      const c = counts?.[i]?.[j]
      return `true <b>${escapeHtml(labels[i])}</b> → predicted <b>${escapeHtml(labels[j])}</b><br>${escapeHtml(format(v))}${c !== undefined && normalized ? ` (${formatNumber(c)} samples)` : ''}`
    }),
    xAxis: { ...category, name: 'Predicted', nameLocation: 'middle', nameGap: zoom ? 52 : 30, axisLabel: { ...category.axisLabel, rotate: n > 6 ? 45 : 0, interval: n > 40 ? 'auto' : 0 } },
    yAxis: { ...category, name: 'True', nameLocation: 'middle', nameGap: 60, inverse: true, axisLabel: { ...category.axisLabel, interval: n > 40 ? 'auto' : 0 } },
    visualMap: {
      show: false,
      min: diverging ? -bound : 0,
      max: bound,
      dimension: 2,
      inRange: { color: diverging ? ['#1565c0', dark ? '#303134' : '#ffffff', '#c62828'] : [dark ? '#303134' : '#ffffff', '#ffb74d', '#e65100'] },
    },
    dataZoom: zoom
      ? [
          { type: 'slider', xAxisIndex: 0, bottom: 4, height: 14, end: Math.min(100, (40 / n) * 100) },
          { type: 'slider', yAxisIndex: 0, right: 4, width: 14, end: Math.min(100, (40 / n) * 100) },
          { type: 'inside', xAxisIndex: 0 },
          { type: 'inside', yAxisIndex: 0 },
        ]
      : [],
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: showLabels, formatter: (p: { data: [number, number, number] }) => format(p.data[2]), fontSize: 11, color: colors.text },
        itemStyle: { borderColor: colors.grid, borderWidth: n > 60 ? 0 : 0.5 },
        emphasis: { itemStyle: { borderColor: colors.text, borderWidth: 1.5 } },
        progressive: 0,
      },
    ],
  }
}
