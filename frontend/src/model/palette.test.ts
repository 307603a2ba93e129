import { describe, expect, it } from 'vitest'
import { hexToLab, PALETTE, runColor } from './palette'

const delta = (a: string, b: string) => {
  const [p, q] = [hexToLab(a), hexToLab(b)]
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])
}

describe('run palette', () => {
  it('has 20 distinct, distinguishable colours that stand out on both backgrounds', () => {
    expect(PALETTE.length).toBeGreaterThanOrEqual(20)
    expect(new Set(PALETTE).size).toBe(PALETTE.length)
    let worst = Infinity
    for (let i = 0; i < PALETTE.length; i++) for (let j = i + 1; j < PALETTE.length; j++) worst = Math.min(worst, delta(PALETTE[i], PALETTE[j]))
    expect(worst).toBeGreaterThan(19)
    for (const c of PALETTE) {
      expect(delta(c, '#ffffff')).toBeGreaterThan(25)
      expect(delta(c, '#303134')).toBeGreaterThan(25)
    }
    expect(hexToLab('#ffffff')[0]).toBeCloseTo(100, 3)
  })

  it('gives the first 20 runs different colours, by run-list order, and is stable', () => {
    const runs = Array.from({ length: 20 }, (_, i) => `run${i}`)
    const colors = runs.map((r) => runColor(r, runs))
    expect(new Set(colors).size).toBe(20)
    // the 1st and the 11th run no longer share orange
    expect(colors[10]).not.toBe(colors[0])
    expect(runColor('run3', runs)).toBe(PALETTE[3])
    expect(runColor('not listed', runs)).toBe(runColor('not listed', []))
  })
})
