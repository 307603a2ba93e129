import { describe, expect, it } from 'vitest'
import { evalFixtures, XSS } from '../../../test/fixtures'
import { csvField, csvRows, curvesCsv, matrixCsv } from './csv'

function parse(text: string): string[][] {
  // enough for the tests: quoted fields with doubled quotes, CRLF rows
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\r') continue
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '')
    else field += c
  }
  return rows
}

describe('CSV', () => {
  it('quotes fields with commas, quotes and newlines; null is empty', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(null)).toBe('')
    expect(csvField(0.1)).toBe('0.1')
    expect(csvRows(['x'], [['line\nbreak']])).toBe('x\r\n"line\nbreak"\r\n')
  })

  it('writes curves as class + columns that read back to the route values', () => {
    const roc = evalFixtures.multiclass.curves.roc!
    const rows = parse(curvesCsv(roc))
    expect(rows[0]).toEqual(['class', 'fpr', 'tpr', 'thresholds'])
    const byClass = new Map<string, string[][]>()
    for (const r of rows.slice(1)) byClass.set(r[0], [...(byClass.get(r[0]) ?? []), r])
    expect([...byClass.keys()]).toEqual(Object.keys(roc))
    for (const [key, curve] of Object.entries(roc)) {
      const got = byClass.get(key)!
      expect(got.map((r) => Number(r[1]))).toEqual(curve.fpr)
      expect(got.map((r) => Number(r[2]))).toEqual(curve.tpr)
      expect(got.map((r) => (r[3] === '' ? null : Number(r[3])))).toEqual(curve.thresholds ?? got.map(() => null))
    }
    expect(byClass.has(XSS)).toBe(true)
  })

  it('leaves short columns empty (PR thresholds have one entry fewer)', () => {
    const pr = evalFixtures.binary.curves.precision_recall!
    const rows = parse(curvesCsv(pr))
    const last = rows[rows.length - 1]
    expect(last[3]).toBe('')
  })

  it('writes a labelled matrix', () => {
    expect(matrixCsv(['a', 'b'], [[1, 2], [3, 4]])).toBe('true \\ predicted,a,b\r\na,1,2\r\nb,3,4\r\n')
  })
})
