// CSV of what a chart shows, written on the client (the data is already here). Numbers are
// written with JavaScript's shortest round-trip form, so they read back as the route's values.

export type CsvValue = string | number | boolean | null | undefined

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity') : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvRows(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/** Columnar lists as CSV: one row per index; shorter columns leave empty cells. */
export function columnsCsv(columns: Record<string, ArrayLike<CsvValue>>, lead: Record<string, CsvValue> = {}): { header: string[]; rows: CsvValue[][] } {
  const names = Object.keys(columns)
  const n = Math.max(0, ...names.map((k) => columns[k].length))
  const rows: CsvValue[][] = []
  for (let i = 0; i < n; i++) rows.push([...Object.values(lead), ...names.map((k) => columns[k][i])])
  return { header: [...Object.keys(lead), ...names], rows }
}

/** Curves keyed by class (curves[key] = {column: list}) as one long CSV with a `key` column.
 * Only list-valued columns are written (scalars such as max_deviation are left out). */
export function curvesCsv(curves: Record<string, object>, keyName = 'class', only?: string[]): string {
  let header: string[] | null = null
  const rows: CsvValue[][] = []
  for (const [key, curve] of Object.entries(curves)) {
    const columns: Record<string, CsvValue[]> = {}
    for (const [name, value] of Object.entries(curve)) if (Array.isArray(value) && (!only || only.includes(name))) columns[name] = value as CsvValue[]
    const part = columnsCsv(columns, { [keyName]: key })
    if (header === null) header = part.header
    rows.push(...part.rows.map((row) => header!.map((h) => row[part.header.indexOf(h)])))
  }
  return csvRows(header ?? [keyName], rows)
}

/** A matrix with row and column labels. */
export function matrixCsv(labels: string[], matrix: number[][], corner = 'true \\ predicted'): string {
  return csvRows([corner, ...labels], matrix.map((row, i) => [labels[i], ...row]))
}
