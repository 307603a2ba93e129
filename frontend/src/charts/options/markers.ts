// Export-only option: the live chart draws the operating point and the notable thresholds as a
// DOM overlay (so a slider move never calls setOption); PNG/SVG exports get them as scatter
// series at the same data coordinates instead, built only when an export is asked for. Pure.

/** A marker as the EChart overlay draws it (EChart.tsx re-exports this shape). */
export interface ExportMarker {
  id: string
  x: number
  y: number
  color: string
  label: string
  shape: 'point' | 'ring' | 'diamond'
}

/** State of the live chart that the option does not carry: zoom windows and legend toggles. */
export interface LiveState {
  dataZoom?: { start?: number; end?: number; startValue?: number; endValue?: number }[]
  legendSelected?: Record<string, boolean>
}

type Dict = Record<string, unknown>

function markerSeries(m: ExportMarker, background: string) {
  const ring = m.shape !== 'point' // rings and diamonds are hollow, as in the overlay
  return {
    type: 'scatter',
    id: `__marker_${m.id}`,
    name: m.label,
    data: [[m.x, m.y]],
    xAxisIndex: 0,
    yAxisIndex: 0,
    symbol: m.shape === 'diamond' ? 'diamond' : 'circle',
    symbolSize: m.shape === 'point' ? 12 : 14,
    itemStyle: ring ? { color: 'rgba(0,0,0,0)', borderColor: m.color, borderWidth: 2 } : { color: m.color, borderColor: background, borderWidth: m.shape === 'point' ? 2 : 1 },
    label: { show: true, formatter: m.label, position: m.shape === 'point' ? 'right' : 'left', color: m.color, fontSize: 11, distance: 8 },
    labelLayout: { moveOverlap: 'shiftY' },
    z: m.shape === 'point' ? 12 : 11,
    silent: true,
    tooltip: { show: false },
    animation: false,
  }
}

/** `option` with one scatter series per finite marker (on top of the curves), the live zoom
 * windows and legend toggles; legend entries stay as they were (markers are not listed). */
export function exportOption(option: object, markers: readonly ExportMarker[], background: string, live: LiveState = {}): object {
  const o = option as Dict
  const shown = markers.filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y))
  const series = Array.isArray(o.series) ? (o.series as Dict[]) : o.series ? [o.series as Dict] : []
  const out: Dict = { ...o, series: [...series, ...shown.map((m) => markerSeries(m, background))] }
  // Without an explicit legend list the marker series would join the legend: list the others.
  if (o.legend && !Array.isArray(o.legend)) {
    const legend = o.legend as Dict
    const data = legend.data ?? [...new Set(series.map((s) => s.name).filter((n) => typeof n === 'string'))]
    out.legend = { ...legend, data, ...(live.legendSelected ? { selected: { ...(legend.selected as Dict | undefined), ...live.legendSelected } } : {}) }
  }
  if (live.dataZoom && Array.isArray(o.dataZoom)) {
    out.dataZoom = (o.dataZoom as Dict[]).map((z, i) => {
      const w = live.dataZoom![i]
      return w && typeof w.start === 'number' && typeof w.end === 'number' ? { ...z, start: w.start, end: w.end } : z
    })
  }
  return out
}
