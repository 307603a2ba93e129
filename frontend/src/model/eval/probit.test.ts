import { describe, expect, it } from 'vitest'
import { DET_LIMITS, detCoordinate, detTickLabel, probit } from './probit'

describe('DET probit transform', () => {
  it('is the inverse normal CDF', () => {
    expect(probit(0.5)).toBeCloseTo(0, 9)
    expect(probit(0.975)).toBeCloseTo(1.959964, 5)
    expect(probit(0.025)).toBeCloseTo(-1.959964, 5)
    expect(probit(0.001)).toBeCloseTo(-3.090232, 5)
    expect(probit(0)).toBe(-Infinity)
    expect(probit(1)).toBe(Infinity)
    expect(Number.isNaN(probit(1.5))).toBe(true)
  })

  it('is monotone and symmetric', () => {
    let last = -Infinity
    for (let p = 0.0001; p < 1; p += 0.0123) {
      const z = probit(p)
      expect(z).toBeGreaterThan(last)
      expect(probit(1 - p)).toBeCloseTo(-z, 8)
      last = z
    }
  })

  it('clamps rates of 0 and 1 to the plot edges and keeps null', () => {
    expect(detCoordinate(0)).toBeCloseTo(probit(DET_LIMITS[0]), 12)
    expect(detCoordinate(1)).toBeCloseTo(probit(DET_LIMITS[1]), 12)
    expect(detCoordinate(null)).toBeNull()
  })

  it('labels ticks with the rates they stand for', () => {
    expect(detTickLabel(probit(0.001))).toBe('0.1%')
    expect(detTickLabel(probit(0.05))).toBe('5%')
    expect(detTickLabel(0)).toBe('50%')
    expect(detTickLabel(probit(0.999))).toBe('99.9%')
  })
})
