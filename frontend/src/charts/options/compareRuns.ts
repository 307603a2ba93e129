// Option builders of the Compare runs dashboard on top of curveOption: run colours from the
// "Colour by" select, and one small chart per run (small multiples) on shared axis ranges. Pure.
import type { CurveSeries, CurveSpec } from '../../model/eval/series'
import type { ChartColors } from './common'
import { curveOption } from './curves'

/** The option with each run series drawn in its colour from `colors` (by series name); other
 * series (chance, ideal) keep theirs. */
export function recolor<T extends { series: { name: string }[] }>(option: T, colors: ReadonlyMap<string, string>): T {
  return { ...option, series: option.series.map((s) => (colors.has(s.name) ? { ...s, color: colors.get(s.name)! } : s)) }
}

function extent(values: number[]): [number, number] | null {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return null
  let lo = Math.min(...finite)
  let hi = Math.max(...finite)
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5]
  const pad = (hi - lo) * 0.04
  const nice = (v: number) => Number(v.toPrecision(3))
  return [nice(lo - pad), nice(hi + pad)]
}

/** The axis ranges every small chart shares: the spec's fixed range, else the data's extent over
 * all runs (so the panels are comparable by eye). */
export function sharedRanges(spec: CurveSpec, series: CurveSeries[]): { x: [number, number] | undefined; y: [number, number] | undefined } {
  const runs = series.filter((s) => s.role === 'run')
  const x = spec.xRange ?? extent(runs.flatMap((s) => s.points.map((p) => p[0]))) ?? undefined
  const y = spec.yRange ?? extent(runs.flatMap((s) => s.points.map((p) => p[1]))) ?? undefined
  return { x, y }
}

export interface SmallMultipleInput {
  spec: CurveSpec
  /** The run's series (role 'run'). */
  run: CurveSeries
  /** Reference lines (chance, ideal) drawn under it. */
  references: CurveSeries[]
  color: string
  ranges: { x: [number, number] | undefined; y: [number, number] | undefined }
  colors: ChartColors
}

/** One run's small chart: no legend or title on the canvas (the run name is a DOM heading),
 * tight grid, the shared axis ranges. */
export function smallMultipleOption({ spec, run, references, color, ranges, colors }: SmallMultipleInput) {
  const base = curveOption({ spec: { ...spec, xRange: ranges.x, yRange: ranges.y ?? null }, series: [...references, run], hidden: new Set(), colors, tooltipRows: 4 })
  const option = {
    ...base,
    legend: { ...base.legend, show: false },
    grid: { left: 20, right: 10, top: 10, bottom: 26, containLabel: true },
    xAxis: { ...base.xAxis, nameGap: 22, nameTextStyle: { ...base.xAxis.nameTextStyle, fontSize: 10 } },
    yAxis: { ...base.yAxis, nameGap: 30, nameTextStyle: { ...base.yAxis.nameTextStyle, fontSize: 10 } },
  }
  return recolor(
    option,
    new Map([[run.name, color]]),
  )
}
