import { describe, expect, it } from 'vitest'
import { evalFixtures } from '../../test/fixtures'
import { bestIndex, higherIsBetter } from './bestRun'
import { PALETTE } from './palette'
import { colorRuns, MISSING_COLOR, paramNames, SEQUENTIAL, sequentialColor } from './paramColor'

const own = (run: string) => `own:${run}`

describe('colour by hparam', () => {
  it('keeps each run colour without a param', () => {
    const c = colorRuns([{ run: 'a', params: { lr: 1 } }], null, own)
    expect(c.legend).toEqual({ kind: 'run' })
    expect(c.colors.get('a')).toBe('own:a')
  })

  it('maps numbers onto the sequential scale: min and max at its ends, in between by value', () => {
    const runs = [
      { run: 'hi', params: { lr: 0.12 } },
      { run: 'lo', params: { lr: 0.02 } },
      { run: 'mid', params: { lr: 0.07 } },
      { run: 'none', params: {} },
    ]
    const c = colorRuns(runs, 'lr', own)
    expect(c.colors.get('lo')).toBe(SEQUENTIAL[0])
    expect(c.colors.get('hi')).toBe(SEQUENTIAL[SEQUENTIAL.length - 1])
    expect(c.colors.get('mid')).toBe(SEQUENTIAL[2]) // 0.07 is halfway
    expect(c.colors.get('none')).toBe(MISSING_COLOR)
    expect(c.legend).toMatchObject({ kind: 'numeric', param: 'lr', min: 0.02, max: 0.12, log: false, missing: ['none'] })
  })

  it('uses a log scale when positive values span two decades', () => {
    const c = colorRuns([{ run: 'a', params: { lr: 1e-4 } }, { run: 'b', params: { lr: 1e-3 } }, { run: 'c', params: { lr: 1e-2 } }], 'lr', own)
    expect(c.legend).toMatchObject({ kind: 'numeric', log: true })
    expect(c.colors.get('b')).toBe(sequentialColor(0.5))
  })

  it('one value: the middle of the scale', () => {
    expect(colorRuns([{ run: 'a', params: { x: 3 } }], 'x', own).colors.get('a')).toBe(sequentialColor(0.5))
  })

  it('interpolates and clamps', () => {
    expect(sequentialColor(-1)).toBe(SEQUENTIAL[0])
    expect(sequentialColor(2)).toBe(SEQUENTIAL[4])
    expect(sequentialColor(0.125, ['#000000', '#ffffff', '#ffffff'])).toBe('#404040')
  })

  it('gives strings, bools and mixed types categorical colours in sorted order; missing is grey', () => {
    const runs = [
      { run: 'a', params: { opt: 'sgd', bn: true } },
      { run: 'b', params: { opt: 'adam', bn: false } },
      { run: 'c', params: { opt: 'sgd' } },
      { run: 'd', params: { opt: null } },
    ]
    const c = colorRuns(runs, 'opt', own)
    expect(c.legend).toEqual({ kind: 'categorical', param: 'opt', entries: [{ value: 'adam', color: PALETTE[0] }, { value: 'sgd', color: PALETTE[1] }], missing: ['d'] })
    expect([...c.colors.entries()].sort()).toEqual([['a', PALETTE[1]], ['b', PALETTE[0]], ['c', PALETTE[1]], ['d', MISSING_COLOR]])
    const bn = colorRuns(runs, 'bn', own)
    expect(bn.colors.get('b')).toBe(PALETTE[0]) // "false" < "true"
    expect(bn.colors.get('a')).toBe(PALETTE[1])
    expect(bn.colors.get('c')).toBe(MISSING_COLOR)
    const mixed = colorRuns([{ run: 'x', params: { k: 2 } }, { run: 'y', params: { k: 'two' } }], 'k', own)
    expect(mixed.legend.kind).toBe('categorical')
  })

  it('lists the params of the recorded sweep', () => {
    expect(paramNames(evalFixtures.compare.runs)).toEqual(['lr', 'shift'])
    const c = colorRuns(evalFixtures.compare.runs, 'shift', own)
    expect(evalFixtures.compare.runs.map((r) => c.colors.get(r.run))).toEqual([SEQUENTIAL[0], sequentialColor(0.4), SEQUENTIAL[4]])
  })
})

describe('best run', () => {
  it('is the largest value, or the smallest for losses and errors; missing values never win', () => {
    expect(higherIsBetter('roc_auc')).toBe(true)
    expect(higherIsBetter('log_loss')).toBe(false)
    expect(bestIndex([0.7, null, 0.9, 0.9], 'roc_auc')).toBe(2)
    expect(bestIndex([0.7, null, 0.2], 'ece')).toBe(2)
    expect(bestIndex([null, 'x'], 'r2')).toBe(-1)
  })
})
