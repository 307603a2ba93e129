import { describe, expect, it } from 'vitest'
import { describeRange, formatBytes, formatCell, formatNumber, MISSING } from './format'

describe('formatting', () => {
  it('numbers keep six significant digits', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(1234.56789)).toBe('1234.57')
    expect(formatNumber(42)).toBe('42')
    expect(formatNumber(0)).toBe('0')
    expect(formatNumber(1.5e-7)).toBe('1.500e-7')
    expect(formatNumber(-3e12)).toBe('-3.000e+12')
    expect(formatNumber(Number.NaN)).toBe('NaN')
    expect(formatNumber(-Infinity)).toBe('-∞')
  })

  it('cells by type, with missing values and TensorBoard NaN strings', () => {
    expect(formatCell(null, 'number')).toBe(MISSING)
    expect(formatCell(3, 'integer')).toBe('3')
    expect(formatCell(0.333333333, 'number')).toBe('0.333333')
    expect(formatCell(true, 'bool')).toBe('true')
    expect(formatCell('NaN', 'number')).toBe('NaN')
    expect(formatCell('Infinity', 'number')).toBe('∞')
    expect(formatCell('<b>x</b>', 'string')).toBe('<b>x</b>')
    expect(formatCell(12345678901234567890, 'integer')).toBe('1.235e+19')
  })

  it('describes the shown range', () => {
    expect(describeRange(50, 50, 1234, 1234)).toBe('rows 51–100 of 1,234')
    expect(describeRange(0, 3, 3, 10)).toBe('rows 1–3 of 3 (filtered from 10)')
    expect(describeRange(0, 0, 0, 10)).toBe('no rows of 0 (filtered from 10)')
  })

  it('bytes', () => {
    expect(formatBytes(12)).toBe('12 B')
    expect(formatBytes(2048)).toBe('2.0 KB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB')
  })
})
