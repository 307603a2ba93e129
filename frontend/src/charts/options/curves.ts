// Option builder for ROC, PR, DET, gains, lift and KS (and the compare overlays): one line per
// legend entry, chance/ideal reference lines, AUC/AP in the legend. Pure: unit-tested.
import { formatNumber } from '../../model/format'
import { DET_LIMITS, DET_TICKS, detTickLabel, probit } from '../../model/eval/probit'
import { type CurveSeries, type CurveSpec } from '../../model/eval/series'
import { axisStyle, baseOption, type ChartColors, escapeHtml, noteLegend, seriesColor, tooltipBase } from './common'

export interface CurveOptionInput {
  spec: CurveSpec
  series: CurveSeries[]
  /** Legend entries switched off. */
  hidden: ReadonlySet<string>
  colors: ChartColors
  /** Tooltip rows shown at most (axis tooltips across 100 classes would be huge). */
  tooltipRows?: number
}

const DASH: Record<string, 'solid' | 'dashed' | 'dotted'> = { solid: 'solid', dashed: 'dashed', dotted: 'dotted' }

export function legendNames(series: CurveSeries[]): string[] {
  const names: string[] = []
  for (const s of series) if (!names.includes(s.name)) names.push(s.name)
  return names
}

export function curveOption({ spec, series, hidden, colors, tooltipRows = 12 }: CurveOptionInput) {
  const names = legendNames(series)
  const notes = new Map<string, string>()
  for (const s of series) if (s.note && !notes.has(s.name)) notes.set(s.name, s.note)
  const selected: Record<string, boolean> = {}
  for (const name of names) selected[name] = !hidden.has(name)
  const probitAxis = spec.probit
    ? {
        min: probit(DET_LIMITS[0]),
        max: probit(DET_LIMITS[1]),
        axisLabel: { color: colors.muted, formatter: (v: number) => detTickLabel(v), customValues: DET_TICKS.map(probit) },
        axisTick: { customValues: DET_TICKS.map(probit), lineStyle: { color: colors.grid } },
        splitLine: { show: true, lineStyle: { color: colors.grid } },
      }
    : {}
  const range = (r: [number, number] | null | undefined) => (r ? { min: r[0], max: r[1] } : { scale: true })
  return {
    ...baseOption(colors),
    grid: { left: 8, right: 16, top: 36 + Math.min(3, Math.ceil(names.length / 6)) * 4, bottom: 36, containLabel: true },
    legend: noteLegend(colors, names, selected, notes),
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'axis',
      axisPointer: { type: 'line', snap: false },
      formatter: (params: unknown) => curveTooltip(params as TooltipParam[], spec, tooltipRows),
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }],
    xAxis: { type: 'value', name: spec.xName, nameLocation: 'middle', nameGap: 26, ...axisStyle(colors), ...range(spec.xRange), ...probitAxis },
    yAxis: { type: 'value', name: spec.yName, nameLocation: 'middle', nameGap: 40, ...axisStyle(colors), ...range(spec.yRange), ...probitAxis },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.points,
      showSymbol: s.symbols ?? false,
      symbolSize: 5,
      silent: s.role === 'reference',
      z: s.role === 'reference' ? 1 : s.role === 'average' ? 3 : 2,
      color: seriesColor(s.role, s.index, colors),
      lineStyle: { width: s.role === 'average' ? 2.5 : s.role === 'reference' ? 1 : 1.5, type: DASH[s.style] },
      emphasis: { focus: 'series' },
      // each point carries [x, y, threshold]; only x and y are drawn
      encode: { x: 0, y: 1 },
    })),
  }
}

export interface TooltipParam {
  seriesName: string
  color?: string
  data: [number, number, number | null]
}

function fmt(v: number, spec: CurveSpec): string {
  return spec.probit ? `${formatNumber(Number((normalCdf(v) * 100).toPrecision(3)))}%` : formatNumber(Number(v.toPrecision(4)))
}

/** Standard normal CDF (for DET tooltips: probit coordinates back to rates). */
export function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 on erf
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y)
}

export function curveTooltip(params: TooltipParam[], spec: CurveSpec, rows: number): string {
  const shown = params.filter((p) => Array.isArray(p.data) && p.seriesName !== 'chance' && p.seriesName !== 'ideal')
  const lines = shown.slice(0, rows).map((p) => {
    const [x, y, t] = p.data
    const dot = `<span style="display:inline-block;width:8px;height:8px;border-radius:4px;margin-right:4px;background:${escapeHtml(p.color ?? '#999')}"></span>`
    const thr = t === null || t === undefined ? '' : ` · t=${formatNumber(Number(t.toPrecision(4)))}`
    return `${dot}${escapeHtml(p.seriesName)}: ${escapeHtml(spec.x)} ${fmt(x, spec)}, ${escapeHtml(spec.y)} ${fmt(y, spec)}${thr}`
  })
  if (shown.length > rows) lines.push(`… ${shown.length - rows} more`)
  return lines.join('<br>')
}
