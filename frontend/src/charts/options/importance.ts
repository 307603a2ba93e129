// Feature importance: sorted horizontal bars, the top k and the rest collapsed into one bar. Pure.
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, itemTooltip, PALETTE } from './common'

export interface ImportanceBars {
  names: string[]
  values: number[]
  /** Features folded into the last bar (0: none). */
  rest: number
}

/** The k largest by |value| (the server sends them sorted), the others summed into one bar. */
export function topImportances(names: string[], values: number[], k: number): ImportanceBars {
  const order = names.map((_, i) => i).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b)
  if (k <= 0 || order.length <= k) return { names: order.map((i) => names[i]), values: order.map((i) => values[i]), rest: 0 }
  const top = order.slice(0, k)
  const rest = order.slice(k)
  return {
    names: [...top.map((i) => names[i]), `${rest.length} other features (sum)`],
    values: [...top.map((i) => values[i]), rest.reduce((a, i) => a + values[i], 0)],
    rest: rest.length,
  }
}

export function importanceOption(bars: ImportanceBars, colors: ChartColors) {
  const label = (v: unknown) => {
    const t = String(v)
    return t.length > 28 ? `${t.slice(0, 27)}…` : t
  }
  return {
    ...baseOption(colors),
    tooltip: itemTooltip(colors, (p: { name: string; value: number }) => `${escapeHtml(p.name)}<br>${formatNumber(p.value)}`),
    grid: { left: 8, right: 32, top: 8, bottom: 28, containLabel: true },
    xAxis: { type: 'value', name: 'importance', nameLocation: 'middle', nameGap: 22, ...axisStyle(colors) },
    yAxis: { type: 'category', inverse: true, data: bars.names, ...axisStyle(colors, label as never), axisLabel: { color: colors.muted, formatter: label, interval: 0 } },
    series: [
      {
        type: 'bar',
        data: bars.values.map((v, i) => ({
          value: v,
          itemStyle: { color: bars.rest > 0 && i === bars.values.length - 1 ? colors.muted : v < 0 ? PALETTE[1] : PALETTE[0] },
        })),
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: colors.muted, fontSize: 10, formatter: (p: { value: number }) => formatNumber(Number(p.value.toPrecision(3))) },
      },
    ],
  }
}
