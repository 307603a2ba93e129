import { describe, expect, it } from 'vitest'
import { fixtures } from '../../test/fixtures'
import { tableSeries } from '../model/series'
import { DARK_COLORS, LIGHT_COLORS, lineOption, PALETTE } from './lineOption'

describe('line chart option', () => {
  it('maps each series to a line over a numeric x axis', () => {
    const option = lineOption(tableSeries(fixtures.tablePage, false)!, LIGHT_COLORS)
    expect(option.xAxis.type).toBe('value')
    expect(option.xAxis.name).toBe('epoch')
    expect(option.series.map((s) => [s.type, s.name])).toEqual([
      ['line', 'loss'],
      ['line', 'accuracy'],
    ])
    expect(option.series[0].data[0]).toEqual([1, 1])
    expect(option.color[0]).toBe(PALETTE[0])
    expect(option.legend).toBeDefined()
    expect(option.animation).toBe(false)
  })

  it('uses the theme colours and item tooltips for many series', () => {
    const many = { xName: 'x', yName: 'y', series: Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, points: [[0, i] as [number, number]] })) }
    const option = lineOption(many, DARK_COLORS)
    expect(option.tooltip.trigger).toBe('item')
    expect(option.textStyle.color).toBe(DARK_COLORS.text)
    const one = lineOption({ ...many, series: many.series.slice(0, 1) }, LIGHT_COLORS)
    expect(one.legend).toBeUndefined()
    expect(one.tooltip.trigger).toBe('axis')
  })

  it('colours one-line-per-run series like the run picker', () => {
    const plot = { xName: 'x', yName: 'y', series: [{ name: 'a', run: 'a', points: [[0, 1] as [number, number]] }, { name: 'z', points: [[0, 2] as [number, number]] }] }
    const option = lineOption(plot, LIGHT_COLORS, (run) => (run === 'a' ? '#123456' : '#000000'))
    expect((option.series[0] as { color?: string }).color).toBe('#123456')
    expect((option.series[1] as { color?: string }).color).toBeUndefined()
  })
})
