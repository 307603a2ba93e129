// Confusion matrices: normalisation, ordering, top confusions, cell detail and the difference of
// two matrices (two runs or two steps). Pure TS.
import type { Label } from '../../api/evalTypes'

export type Normalization = 'count' | 'true' | 'pred' | 'all'
export type ClassOrder = 'logged' | 'name' | 'support' | 'recall'

export function normalize(matrix: number[][], mode: Normalization): number[][] {
  if (mode === 'count') return matrix.map((row) => row.slice())
  const n = matrix.length
  const rows = matrix.map((row) => row.reduce((a, b) => a + b, 0))
  const cols = Array.from({ length: matrix[0]?.length ?? n }, (_, j) => matrix.reduce((a, row) => a + (row[j] ?? 0), 0))
  const total = rows.reduce((a, b) => a + b, 0)
  return matrix.map((row, i) =>
    row.map((v, j) => {
      const d = mode === 'true' ? rows[i] : mode === 'pred' ? cols[j] : total
      return d > 0 ? v / d : 0
    }),
  )
}

/** Display order of the classes (indices into the logged order). */
export function classOrder(matrix: number[][], labels: Label[], order: ClassOrder): number[] {
  const index = labels.map((_, i) => i)
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0))
  if (order === 'name') return index.sort((a, b) => String(labels[a]).localeCompare(String(labels[b]), undefined, { numeric: true }))
  if (order === 'support') return index.sort((a, b) => support[b] - support[a] || a - b)
  if (order === 'recall') {
    const recall = (i: number) => (support[i] > 0 ? matrix[i][i] / support[i] : Infinity)
    return index.sort((a, b) => recall(a) - recall(b) || a - b)
  }
  return index
}

export interface Confusion {
  trueIndex: number
  predIndex: number
  trueLabel: string
  predLabel: string
  count: number
  /** Share of the true class's samples. */
  shareOfTrue: number
}

/** The largest off-diagonal cells, largest first. */
export function topConfusions(matrix: number[][], labels: Label[], k = 10): Confusion[] {
  const out: Confusion[] = []
  const rows = matrix.map((row) => row.reduce((a, b) => a + b, 0))
  matrix.forEach((row, i) =>
    row.forEach((count, j) => {
      if (i !== j && count > 0)
        out.push({ trueIndex: i, predIndex: j, trueLabel: String(labels[i]), predLabel: String(labels[j]), count, shareOfTrue: rows[i] > 0 ? count / rows[i] : 0 })
    }),
  )
  out.sort((a, b) => b.count - a.count || a.trueIndex - b.trueIndex || a.predIndex - b.predIndex)
  return out.slice(0, k)
}

export interface CellDetail {
  trueLabel: string
  predLabel: string
  count: number
  ofTrue: number
  ofPred: number
  ofAll: number
}

export function cellDetail(matrix: number[][], labels: Label[], i: number, j: number): CellDetail {
  const count = matrix[i]?.[j] ?? 0
  const row = matrix[i]?.reduce((a, b) => a + b, 0) ?? 0
  const col = matrix.reduce((a, r) => a + (r[j] ?? 0), 0)
  const all = matrix.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0)
  return {
    trueLabel: String(labels[i]),
    predLabel: String(labels[j]),
    count,
    ofTrue: row > 0 ? count / row : 0,
    ofPred: col > 0 ? count / col : 0,
    ofAll: all > 0 ? count / all : 0,
  }
}

export interface MatrixDiff {
  labels: string[]
  /** b − a, on the aligned labels. */
  diff: number[][]
  a: number[][]
  b: number[][]
}

/** B − A after aligning both matrices on the union of their labels (by string), each normalised
 * first (counts are compared as counts; rows of a class one side lacks are zero). */
export function confusionDiff(
  a: { labels: Label[]; matrix: number[][] },
  b: { labels: Label[]; matrix: number[][] },
  mode: Normalization = 'true',
): MatrixDiff {
  const labels: string[] = []
  for (const l of [...a.labels, ...b.labels]) if (!labels.includes(String(l))) labels.push(String(l))
  const align = (m: { labels: Label[]; matrix: number[][] }) => {
    const normal = normalize(m.matrix, mode)
    const at = new Map(m.labels.map((l, i) => [String(l), i]))
    return labels.map((ti) => labels.map((pj) => {
      const i = at.get(ti)
      const j = at.get(pj)
      return i === undefined || j === undefined ? 0 : (normal[i]?.[j] ?? 0)
    }))
  }
  const A = align(a)
  const B = align(b)
  return { labels, a: A, b: B, diff: B.map((row, i) => row.map((v, j) => v - A[i][j])) }
}

/** The 2×2 matrix [[TN, FP], [FN, TP]] (rows: true negative/positive, columns: predicted). */
export function binaryMatrix(c: { tp: number; fp: number; tn: number; fn: number }): number[][] {
  return [
    [c.tn, c.fp],
    [c.fn, c.tp],
  ]
}
