import { describe, expect, it } from 'vitest'
import type { PredictedVsTrue, PredictedVsTrueDensity } from '../../api/evalTypes'
import { DARK_COLORS, LIGHT_COLORS } from '../lineOption'
import { DENSITY_RAMP, defaultPvtView, densityCells, densityCsvColumns, densityOption } from './regression'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const density: PredictedVsTrueDensity = {
  x_edges: [0, 1, 2, 3],
  y_edges: [0, 1, 2, 3],
  counts: [
    [1000, 9, 0],
    [0, 99, 1],
    [0, 0, 5],
  ],
  n: 1114,
}
const binned: PredictedVsTrue = { bin_edges: [0, 1.5, 3], true_mean: [0.7, null], predicted_mean: [0.8, null], predicted_std: [0.1, null], count: [1, 0] }

describe('predicted vs true density', () => {
  it('keeps the non-empty cells with a log10(1 + count) colour value', () => {
    const cells = densityCells(density)
    expect(cells.map((c) => [c[0], c[1], c[3]])).toEqual([
      [0, 0, 1000],
      [0, 1, 9],
      [1, 1, 99],
      [1, 2, 1],
      [2, 2, 5],
    ])
    expect(cells[0][2]).toBeCloseTo(Math.log10(1001), 12)
    expect(cells[1][2]).toBeCloseTo(1, 12)
  })

  it('draws a heatmap on category axes, with value axes, the ideal diagonal and a log colour scale', () => {
    const o = densityOption(density, LIGHT_COLORS, false, binned) as AnyOption
    expect(o.xAxis[0]).toMatchObject({ type: 'category', show: false })
    expect(o.xAxis[0].data).toEqual(['0', '1', '2'])
    expect(o.xAxis[1]).toMatchObject({ type: 'value', min: 0, max: 3 })
    expect(o.yAxis[1]).toMatchObject({ type: 'value', min: 0, max: 3 })
    const [heat, mean, ideal] = o.series
    expect(heat).toMatchObject({ type: 'heatmap', xAxisIndex: 0, yAxisIndex: 0 })
    expect(heat.data).toHaveLength(5)
    expect(mean).toMatchObject({ name: 'mean predicted', data: [[0.7, 0.8]], xAxisIndex: 1 })
    expect(ideal).toMatchObject({ name: 'ideal', data: [[0, 0], [3, 3]], xAxisIndex: 1, yAxisIndex: 1 })
    expect(o.visualMap).toMatchObject({ dimension: 2, min: Math.log10(2), seriesIndex: 0 })
    expect(o.visualMap.max).toBeCloseTo(Math.log10(1001), 12)
    expect(o.visualMap.formatter(Math.log10(1001))).toBe('1000')
    expect(o.visualMap.formatter(o.visualMap.min)).toBe('1')
    expect(o.visualMap.inRange.color).toEqual(DENSITY_RAMP.light)
    expect((densityOption(density, DARK_COLORS, true) as AnyOption).visualMap.inRange.color).toEqual(DENSITY_RAMP.dark)
    // the tooltip names the cell's ranges and count
    expect(o.tooltip.formatter({ seriesType: 'heatmap', seriesName: 'x', data: [1, 2, 0.3, 1] })).toBe('true 1 … 2<br>predicted 2 … 3<br>1 samples')
  })

  it('opens on the density only for large n', () => {
    expect(defaultPvtView(20000, true)).toBe('density')
    expect(defaultPvtView(5000, true)).toBe('binned')
    expect(defaultPvtView(20000, false)).toBe('binned')
  })

  it('exports every cell as CSV columns, row-major', () => {
    const c = densityCsvColumns(density)
    expect(c.count).toEqual([1000, 9, 0, 0, 99, 1, 0, 0, 5])
    expect(c.true_lower.slice(0, 4)).toEqual([0, 0, 0, 1])
    expect(c.predicted_upper.slice(0, 3)).toEqual([1, 2, 3])
  })
})

describe('density of the recorded regression report', () => {
  it('covers every sample, with equal x and y edges', async () => {
    const { evalFixtures } = await import('../../../test/fixtures')
    const r = evalFixtures.regression
    const d = r.curves.predicted_vs_true_density!
    expect(d.x_edges).toEqual(d.y_edges)
    expect(d.n).toBe(r.n_samples)
    const cells = densityCells(d)
    expect(cells.reduce((s, c) => s + c[3], 0)).toBe(r.n_samples)
    expect(defaultPvtView(r.n_samples, true)).toBe('binned')
  })
})
