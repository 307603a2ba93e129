import { describe, expect, it } from 'vitest'
import { LIGHT_COLORS } from '../lineOption'
import { curveOption } from './curves'
import { exportOption, type ExportMarker } from './markers'
import { CURVE_SPECS } from '../../model/eval/series'

const markers: ExportMarker[] = [
  { id: 'f1', x: 0.2, y: 0.8, color: '#23e74a', label: 'best F1 (t=0.412)', shape: 'ring' },
  { id: 'youden', x: 0.25, y: 0.85, color: '#1976d2', label: "Youden's J (t=0.380)", shape: 'diamond' },
  { id: 'op', x: 0.1, y: 0.6, color: '#f57c00', label: 'operating point (t=0.500)', shape: 'point' },
  { id: 'bad', x: Number.NaN, y: 0.5, color: '#000', label: 'undefined', shape: 'ring' },
]

type S = { type: string; id?: string; name: string; data: number[][]; symbol?: string; itemStyle: { color: string; borderColor: string } }

describe('export option with markers', () => {
  const option = curveOption({ spec: CURVE_SPECS.roc, series: [{ name: 'yes', role: 'class', index: 0, style: 'solid', points: [[0, 0, null], [1, 1, 0]] }], hidden: new Set(), colors: LIGHT_COLORS })

  it('adds one scatter series per finite marker at its coordinates, after the curves', () => {
    const out = exportOption(option, markers, '#ffffff') as { series: S[]; legend: { data: string[]; type: string; selectedMode?: boolean }[]; grid: { bottom: number } }
    expect(out.series.length).toBe(option.series.length + 3)
    const added = out.series.slice(option.series.length)
    expect(added.map((s) => [s.type, s.data[0], s.name])).toEqual([
      ['scatter', [0.2, 0.8], 'best F1 (t=0.412)'],
      ['scatter', [0.25, 0.85], "Youden's J (t=0.380)"],
      ['scatter', [0.1, 0.6], 'operating point (t=0.500)'],
    ])
    // rings and diamonds hollow, the operating point filled
    expect(added[0].itemStyle.borderColor).toBe('#23e74a')
    expect(added[1].symbol).toBe('diamond')
    expect(added[2].itemStyle.color).toBe('#f57c00')
    // the curve legend is unchanged; the markers have a plain (wrapping) legend under the plot
    expect(out.legend[0].data).toEqual(['yes'])
    expect(out.legend[1]).toMatchObject({ type: 'plain', selectedMode: false, data: ['best F1 (t=0.412)', "Youden's J (t=0.380)", 'operating point (t=0.500)'] })
    expect(out.grid.bottom).toBeGreaterThan(option.grid.bottom)
    // the live option is not modified
    expect(option.series.length).toBe(1)
  })

  it('keeps the live zoom windows and legend toggles', () => {
    const out = exportOption(option, [], '#fff', { dataZoom: [{ start: 10, end: 50 }], legendSelected: { yes: false } }) as { dataZoom: { start: number; end: number; type: string }[]; legend: { selected: Record<string, boolean> }; series: unknown[]; grid: unknown }
    expect(out.dataZoom[0]).toMatchObject({ type: 'inside', start: 10, end: 50 })
    expect(out.dataZoom[1]).toEqual(option.dataZoom[1])
    expect(out.legend.selected).toEqual({ yes: false })
    expect(out.series.length).toBe(option.series.length)
    expect(out.grid).toEqual(option.grid)
  })

  it('lists the curves in a legend without an explicit entry list', () => {
    const plain = { legend: { top: 0 }, series: [{ type: 'line', name: 'a' }, { type: 'line', name: 'a' }, { type: 'line', name: 'b' }] }
    const out = exportOption(plain, markers.slice(0, 1), '#fff') as { legend: { data: string[] }[] }
    expect(out.legend.map((l) => l.data)).toEqual([['a', 'b'], ['best F1 (t=0.412)']])
  })
})
