import { describe, expect, it } from 'vitest'
import { evalFixtures } from '../../../test/fixtures'
import type { ThresholdTable } from '../../api/evalTypes'
import { bestF1Index, costOptimumIndex, countsAt, expectedCost, indexForThreshold, metricsFromCounts, thresholdRange, youdenIndex } from './threshold'

const table: ThresholdTable = {
  class: 'yes',
  positives: 4,
  negatives: 4,
  thresholds: [null, 0.9, 0.7, 0.5, 0.3, 0.1],
  tp: [0, 2, 3, 3, 4, 4],
  fp: [0, 0, 1, 2, 3, 4],
  tn: [4, 4, 3, 2, 1, 0],
  fn: [4, 2, 1, 1, 0, 0],
}

describe('threshold -> row', () => {
  it('finds the last row with threshold >= t by binary search (score >= t rule)', () => {
    const ts = table.thresholds
    expect(indexForThreshold(ts, 0.95)).toBe(0) // only the +inf row
    expect(indexForThreshold(ts, 0.9)).toBe(1) // equal counts as >=
    expect(indexForThreshold(ts, 0.8)).toBe(1)
    expect(indexForThreshold(ts, 0.5)).toBe(3)
    expect(indexForThreshold(ts, 0.0)).toBe(5)
    expect(indexForThreshold([0.9, 0.5], 0.95)).toBe(-1)
    expect(indexForThreshold([], 0.5)).toBe(-1)
  })

  it('agrees with a linear scan on the recorded table', () => {
    const ts = evalFixtures.thresholdsBinary.thresholds
    for (let t = 0; t <= 1; t += 0.0137) {
      let expected = -1
      ts.forEach((v, i) => {
        if ((v ?? Infinity) >= t) expected = i
      })
      expect(indexForThreshold(ts, t)).toBe(expected)
    }
  })

  it('gives nothing-positive counts above every threshold', () => {
    expect(countsAt(table, -1)).toEqual({ tp: 0, fp: 0, tn: 4, fn: 4 })
    expect(countsAt(table, 2)).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1 })
  })

  it('spans [0, 1] on the slider', () => {
    expect(thresholdRange(table)).toEqual([0, 1])
  })
})

describe('metrics from counts', () => {
  it('computes precision, recall, F1, accuracy, specificity and MCC', () => {
    const m = metricsFromCounts({ tp: 3, fp: 1, tn: 3, fn: 1 })
    expect(m.precision).toBeCloseTo(0.75)
    expect(m.recall).toBeCloseTo(0.75)
    expect(m.f1).toBeCloseTo(0.75)
    expect(m.accuracy).toBeCloseTo(0.75)
    expect(m.specificity).toBeCloseTo(0.75)
    expect(m.fpr).toBeCloseTo(0.25)
    expect(m.mcc).toBeCloseTo(0.5) // (9 - 1) / sqrt(4^4)
  })

  it('leaves undefined ratios null and MCC 0 on an empty margin', () => {
    const m = metricsFromCounts({ tp: 0, fp: 0, tn: 5, fn: 5 })
    expect(m.precision).toBeNull()
    expect(m.recall).toBe(0)
    expect(m.mcc).toBe(0)
  })

  it('matches the server columns on every recorded row', () => {
    const t = evalFixtures.thresholdsBinary
    for (let i = 0; i < t.tp.length; i += 7) {
      const m = metricsFromCounts(countsAt(t, i))
      expect(m.f1).toBeCloseTo(t.f1![i]!, 12)
      expect(m.precision).toBeCloseTo(t.precision![i]!, 12)
      expect(m.mcc).toBeCloseTo(t.mcc![i]!, 12)
      expect(m.specificity).toBeCloseTo(t.specificity![i]!, 12)
    }
  })
})

describe('notable thresholds', () => {
  it('best F1 and Youden J', () => {
    // F1 per row: 0, .667, .75, .667, .727, .667
    expect(bestF1Index(table)).toBe(2)
    // J = tpr - fpr: 0, .5, .5, .25, .25, 0 -> first maximum
    expect(youdenIndex(table)).toBe(1)
  })

  it('cost optimum follows the FP/FN costs', () => {
    // FP + FN per row: 4, 2, 2, 3, 3, 4 -> row 1 (first minimum)
    expect(costOptimumIndex(table, 1, 1)).toBe(1)
    // misses expensive: 1*FP + 10*FN -> row 4 (fp 3, fn 0 = 3)
    expect(costOptimumIndex(table, 1, 10)).toBe(4)
    // false alarms expensive -> row 0 or 1 (fp 0): row 1 has fewer FN
    expect(costOptimumIndex(table, 10, 1)).toBe(1)
    expect(expectedCost({ tp: 3, fp: 3, tn: 1, fn: 0 }, 1, 10)).toBeCloseTo(3 / 7)
  })
})
