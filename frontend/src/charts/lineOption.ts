// Pure option builder for a line chart; unit-tested without a browser.
import type { LinePlot } from '../model/series'
import { formatNumber } from '../model/format'
import { PALETTE } from '../model/palette'

/** Series and run colours (model/palette.ts): 20 distinguishable colours, TensorBoard's orange first. */
export { PALETTE }

export interface ChartColors {
  text: string
  muted: string
  grid: string
  background: string
}

export const LIGHT_COLORS: ChartColors = { text: '#212121', muted: '#616161', grid: '#e0e0e0', background: '#ffffff' }
export const DARK_COLORS: ChartColors = { text: '#e8eaed', muted: '#bdc1c6', grid: '#3c4043', background: '#303134' }

/** `colorOf` colours a series by its run (stacked tables and lists of several runs), so a run
 * has the same colour as in the run picker and the Compare dashboard. */
export function lineOption(plot: LinePlot, colors: ChartColors, colorOf?: (run: string) => string) {
  const axis = {
    nameTextStyle: { color: colors.muted },
    axisLine: { lineStyle: { color: colors.grid } },
    axisLabel: { color: colors.muted, formatter: (v: number) => formatNumber(v) },
    splitLine: { lineStyle: { color: colors.grid } },
  }
  const many = plot.series.length > 10
  return {
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: 'Roboto, Helvetica Neue, Arial, sans-serif', color: colors.text },
    grid: { left: 56, right: 24, top: plot.series.length > 1 ? 40 : 20, bottom: 48, containLabel: true },
    legend: plot.series.length > 1 ? { type: 'scroll', top: 0, textStyle: { color: colors.text } } : undefined,
    tooltip: {
      trigger: many ? 'item' : 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)),
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    xAxis: { type: 'value', name: plot.xName, nameLocation: 'middle', nameGap: 28, scale: true, ...axis },
    yAxis: { type: 'value', name: plot.yName, scale: true, ...axis },
    series: plot.series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.points,
      showSymbol: s.points.length <= 60,
      symbolSize: 5,
      lineStyle: { width: 1.5 },
      ...(colorOf && s.run !== undefined ? { color: colorOf(s.run) } : {}),
      emphasis: { focus: 'series' },
    })),
  }
}
