import { describe, expect, it } from 'vitest'
import { evalFixtures } from '../../../test/fixtures'
import { CALIBRATION_SPEC, compareSeries, PVT_SPEC } from '../../model/eval/compare'
import { CURVE_SPECS, referenceSeries } from '../../model/eval/series'
import { LIGHT_COLORS } from '../lineOption'
import { recolor, sharedRanges, smallMultipleOption } from './compareRuns'
import { curveOption } from './curves'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const runs = evalFixtures.compare.runs
const series = compareSeries(runs, 'roc', 'micro', () => 0)

describe('compare option builders', () => {
  it('recolours run series by name and leaves the reference lines', () => {
    const option = curveOption({ spec: CURVE_SPECS.roc, series: [...referenceSeries('roc', null), ...series], hidden: new Set(), colors: LIGHT_COLORS })
    const colors = new Map(runs.map((r, i) => [r.run, `#00000${i}`]))
    const out = recolor(option, colors) as AnyOption
    const byName = Object.fromEntries(out.series.map((s: AnyOption) => [s.name, s.color]))
    expect(runs.map((r) => byName[r.run])).toEqual(['#000000', '#000001', '#000002'])
    const chance = option.series.find((s) => s.name === 'chance')!
    expect(byName.chance).toBe(chance.color)
    expect((option.series as AnyOption[])[1].color).not.toBe('#000000') // the input is not mutated
  })

  it('small multiples: one run, no canvas legend, the shared ranges and its colour', () => {
    const ranges = sharedRanges(CURVE_SPECS.roc, series)
    expect(ranges).toEqual({ x: [0, 1], y: [0, 1] })
    const o = smallMultipleOption({ spec: CURVE_SPECS.roc, run: series[1], references: referenceSeries('roc', null), color: '#123456', ranges, colors: LIGHT_COLORS }) as AnyOption
    expect(o.legend.show).toBe(false)
    expect(o.series.map((s: AnyOption) => s.name)).toEqual(['chance', 'ideal', runs[1].run])
    expect(o.series[2].color).toBe('#123456')
    expect([o.xAxis.min, o.xAxis.max, o.yAxis.min, o.yAxis.max]).toEqual([0, 1, 0, 1])
    expect(o.title).toBeUndefined() // the run name is a DOM heading, not canvas text
  })

  it('shares data ranges over every run when the spec has none', () => {
    const pvt = [
      { name: 'a', role: 'run' as const, index: 0, style: 'solid' as const, points: [[0, 1, null], [10, 12, null]] as [number, number, null][] },
      { name: 'b', role: 'run' as const, index: 1, style: 'solid' as const, points: [[-2, 3, null]] as [number, number, null][] },
    ]
    const r = sharedRanges(PVT_SPEC, pvt)
    expect(r.x![0]).toBeLessThan(-2)
    expect(r.x![1]).toBeGreaterThan(10)
    expect(r.y![0]).toBeLessThan(1)
    expect(r.y![1]).toBeGreaterThan(12)
    const o = smallMultipleOption({ spec: PVT_SPEC, run: pvt[1], references: [], color: '#000', ranges: r, colors: LIGHT_COLORS }) as AnyOption
    expect([o.xAxis.min, o.xAxis.max]).toEqual(r.x)
    expect(sharedRanges(CALIBRATION_SPEC, [])).toEqual({ x: [0, 1], y: [0, 1] })
  })
})
