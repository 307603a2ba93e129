import { describe, expect, it } from 'vitest'
import { evalFixtures, XSS } from '../../../test/fixtures'
import { binaryMatrix, cellDetail, classOrder, confusionDiff, normalize, topConfusions } from './confusion'

const m = [
  [8, 2, 0],
  [1, 6, 3],
  [0, 0, 5],
]
const labels = ['b', 'a', 'c']

describe('confusion matrices', () => {
  it('normalises by true, predicted and all like the server', () => {
    expect(normalize(m, 'true')[1]).toEqual([0.1, 0.6, 0.3])
    expect(normalize(m, 'pred')[0][0]).toBeCloseTo(8 / 9)
    expect(normalize(m, 'all')[2][2]).toBeCloseTo(5 / 25)
    expect(normalize([[0, 0], [1, 1]], 'true')[0]).toEqual([0, 0])
    const c = evalFixtures.confusion
    const ours = normalize(c.matrix, 'true')
    ours.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(c.normalized.true[i][j], 12)))
  })

  it('orders classes by name, support and worst recall', () => {
    expect(classOrder(m, labels, 'logged')).toEqual([0, 1, 2])
    expect(classOrder(m, labels, 'name')).toEqual([1, 0, 2])
    expect(classOrder(m, labels, 'support')).toEqual([0, 1, 2]) // 10, 10, 5: ties keep order
    expect(classOrder(m, labels, 'recall')).toEqual([1, 0, 2]) // .6, .8, 1
  })

  it('lists the top confusions off the diagonal', () => {
    const top = topConfusions(m, labels, 2)
    expect(top.map((c) => [c.trueLabel, c.predLabel, c.count])).toEqual([
      ['a', 'c', 3],
      ['b', 'a', 2],
    ])
    expect(top[0].shareOfTrue).toBeCloseTo(0.3)
  })

  it('describes a clicked cell', () => {
    const d = cellDetail(m, labels, 1, 2)
    expect(d).toMatchObject({ trueLabel: 'a', predLabel: 'c', count: 3 })
    expect(d.ofTrue).toBeCloseTo(0.3)
    expect(d.ofPred).toBeCloseTo(3 / 8)
    expect(d.ofAll).toBeCloseTo(3 / 25)
  })

  it('takes the difference B − A on the union of labels', () => {
    const a = { labels: ['x', 'y'], matrix: [[3, 1], [1, 3]] }
    const b = { labels: ['x', 'y', XSS], matrix: [[4, 0, 0], [2, 2, 0], [0, 1, 1]] }
    const d = confusionDiff(a, b, 'count')
    expect(d.labels).toEqual(['x', 'y', XSS])
    expect(d.diff).toEqual([
      [1, -1, 0],
      [1, -1, 0],
      [0, 1, 1],
    ])
    const n = confusionDiff(a, a, 'true')
    expect(n.diff.flat().every((v) => v === 0)).toBe(true)
  })

  it('lays out the 2×2 at a threshold as [[TN, FP], [FN, TP]]', () => {
    expect(binaryMatrix({ tp: 4, fp: 3, tn: 2, fn: 1 })).toEqual([
      [2, 3],
      [1, 4],
    ])
  })
})
