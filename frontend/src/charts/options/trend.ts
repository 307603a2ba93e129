// Metric trends over steps, with the shown step marked. Pure.
import type { Num } from '../../api/evalTypes'
import { formatNumber } from '../../model/format'
import { axisStyle, baseOption, type ChartColors, escapeHtml, PALETTE, tooltipBase } from './common'

export function trendOption(steps: number[], metrics: Record<string, Num[]>, names: string[], step: number | null, colors: ChartColors) {
  return {
    ...baseOption(colors),
    legend: { type: 'scroll', top: 0, data: names, textStyle: { color: colors.text } },
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'axis',
      formatter: (params: { seriesName: string; data: [number, number]; color: string }[]) =>
        `step ${escapeHtml(params[0]?.data[0])}<br>` +
        params.map((p) => `${escapeHtml(p.seriesName)}: ${p.data[1] === null ? '—' : formatNumber(Number(p.data[1].toPrecision(5)))}`).join('<br>'),
    },
    grid: { left: 8, right: 16, top: 32, bottom: 28, containLabel: true },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 22, minInterval: 1, scale: true, ...axisStyle(colors) },
    yAxis: { type: 'value', scale: true, ...axisStyle(colors) },
    series: names.map((name, k) => ({
      type: 'line',
      name,
      data: steps.map((s, i) => [s, metrics[name]?.[i] ?? null]),
      showSymbol: steps.length <= 40,
      symbolSize: 5,
      connectNulls: false,
      color: PALETTE[k % PALETTE.length],
      markLine:
        k === 0 && step !== null
          ? { silent: true, symbol: 'none', data: [{ xAxis: step }], lineStyle: { color: colors.muted, type: 'dashed' }, label: { formatter: `step ${step}`, color: colors.muted } }
          : undefined,
    })),
  }
}
