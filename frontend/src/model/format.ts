// How cells and summary values are written. Values reach the page only as text.
import type { Cell, ColumnType } from '../api/types'

export const MISSING = '—'

/** Six significant digits; exponent notation for very large or very small magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞'
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e9 || magnitude < 1e-4) return value.toExponential(3)
  if (Number.isInteger(value)) return String(value)
  return String(Number(value.toPrecision(6)))
}

export function formatInteger(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : formatNumber(value)
}

/** The cell as display text. TensorBoard's JSON writes NaN/Infinity as strings; keep those. */
export function formatCell(value: Cell | undefined, type: ColumnType): string {
  if (value === null || value === undefined) return MISSING
  if (typeof value === 'string') {
    if (type === 'number' || type === 'integer') return value === 'Infinity' ? '∞' : value === '-Infinity' ? '-∞' : value
    return value
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return type === 'integer' ? formatInteger(value) : formatNumber(value)
}

export function isNumericType(type: ColumnType): boolean {
  return type === 'integer' || type === 'number'
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** "rows 51–100 of 1,234 (filtered from 5,000)". */
export function describeRange(offset: number, shown: number, filtered: number, total: number): string {
  const range = shown === 0 ? 'no rows' : `rows ${formatCount(offset + 1)}–${formatCount(offset + shown)}`
  const of = ` of ${formatCount(filtered)}`
  const from = filtered !== total ? ` (filtered from ${formatCount(total)})` : ''
  return range + of + from
}
