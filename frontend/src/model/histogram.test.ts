import { describe, expect, it } from 'vitest'
import { fixtures } from '../../test/fixtures'
import { histogramBars } from './histogram'

describe('histogram geometry', () => {
  it('scales the tallest bin to the full height and lays bins side by side', () => {
    const bars = histogramBars({ edges: [0, 1, 2, 3, 4], counts: [1, 4, 0, 2] }, 100, 20, 1, 1)
    expect(bars.map((b) => b.x)).toEqual([0, 25, 50, 75])
    expect(bars.map((b) => b.width)).toEqual([24, 24, 24, 24])
    expect(bars.map((b) => b.height)).toEqual([5, 20, 0, 10])
    expect(bars.map((b) => b.y)).toEqual([15, 0, 20, 10])
    expect(bars[1]).toMatchObject({ low: 1, high: 2, count: 4 })
  })

  it('keeps a lone count visible next to a huge bin', () => {
    const bars = histogramBars({ edges: [0, 1, 2], counts: [100000, 1] }, 10, 20, 0, 1)
    expect(bars[1].height).toBe(1)
    expect(bars[1].y).toBe(19)
  })

  it('draws nothing for empty or inconsistent bins', () => {
    expect(histogramBars({ edges: [], counts: [] }, 100, 20)).toEqual([])
    expect(histogramBars({ edges: [0, 1], counts: [1, 2] }, 100, 20)).toEqual([])
    expect(histogramBars({ edges: [0, 1, 2], counts: [0, 0] }, 100, 20).every((b) => b.height === 0)).toBe(true)
  })

  it('fits the server summary inside its box', () => {
    const loss = fixtures.summary.columns.find((c) => c.name === 'loss')!
    const bars = histogramBars(loss.histogram!, 110, 28)
    expect(bars).toHaveLength(loss.histogram!.counts.length)
    for (const bar of bars) {
      expect(bar.x).toBeGreaterThanOrEqual(0)
      expect(bar.x + bar.width).toBeLessThanOrEqual(110)
      expect(bar.y).toBeGreaterThanOrEqual(0)
      expect(bar.y + bar.height).toBeCloseTo(28)
    }
  })
})
