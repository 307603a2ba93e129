import { describe, expect, it } from 'vitest'
import type { RegressionBinsResponse } from '../../api/evalTypes'
import { LIGHT_COLORS } from '../lineOption'
import { binnedPredictionsOption, errorBarSegments, loggedResidualHistogram, loggedResidualsOption } from './regressionBins'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

// Azure's own example documents (the predictions one from its log_predictions reference)
const predictions: RegressionBinsResponse = {
  run: 'r',
  name: 'p',
  step: 0,
  steps: [0],
  schema: 'predictions',
  bin_edges: [0, 0.5, 1],
  bin_averages: [0.25, 0.75],
  bin_errors: [0.013, 0.042],
  bin_counts: [56, 34],
}
const residuals: RegressionBinsResponse = { run: 'r', name: 'res', step: 1, steps: [0, 1], schema: 'residuals', bin_edges: [-2, -1, 0, 1, 2], bin_counts: [3, 10, 12, 5] }

describe('binned predicted vs true, as logged', () => {
  it('puts each average at its bin centre with the counts and the ideal line', () => {
    const o = binnedPredictionsOption(predictions, LIGHT_COLORS) as AnyOption
    const byName = Object.fromEntries(o.series.map((s: AnyOption) => [s.name, s]))
    expect(byName['average predicted'].data.map((p: number[]) => p.slice(0, 2))).toEqual([
      [0.25, 0.25],
      [0.75, 0.75],
    ])
    expect(byName.count.data).toEqual([
      [0.25, 56],
      [0.75, 34],
    ])
    expect(byName.ideal.data).toEqual([
      [0, 0],
      [1, 1],
    ])
    expect(o.xAxis[0]).toMatchObject({ min: 0, max: 1 })
  })

  it('draws one error bar per bin from average − error to average + error', () => {
    const segments = errorBarSegments(predictions.bin_edges, predictions.bin_averages!, predictions.bin_errors!)
    expect(segments).toHaveLength(18)
    const vertical = segments.filter((p, i) => p[1] !== null && segments[i + 1]?.[0] === p[0] && segments[i + 1]?.[1] !== null)
    expect(vertical.map((p) => p[0])).toEqual([0.25, 0.75])
    expect(segments[3][1]).toBeCloseTo(0.25 - 0.013, 12)
    expect(segments[4][1]).toBeCloseTo(0.25 + 0.013, 12)
    expect(segments[13][1]).toBeCloseTo(0.75 + 0.042, 12)
    // the gaps keep the bars apart
    expect(segments.filter((p) => p[1] === null)).toHaveLength(6)
  })
})

describe('residual histogram, as logged', () => {
  it('is the histogram of the logged counts, on the logged edges', () => {
    expect(loggedResidualHistogram(residuals)).toEqual({ bin_edges: [-2, -1, 0, 1, 2], count: [3, 10, 12, 5] })
    const o = loggedResidualsOption(residuals, LIGHT_COLORS) as AnyOption
    expect(o.series[0].data).toEqual([
      [-1.5, 3],
      [-0.5, 10],
      [0.5, 12],
      [1.5, 5],
    ])
    expect(o.xAxis).toMatchObject({ min: -2, max: 2, name: 'Residual (as logged: predicted − true)' })
  })
})
