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
    z: m.shape === 'point' ? 12 : 11,
    silent: true,
    tooltip: { show: false },
    animation: false,
  }
}

/** `option` with one scatter series per finite marker (on top of the curves), named by the
 * marker's label and listed in a second legend under the plot (labels beside the points would
 * overlap: notable thresholds often coincide), plus the live zoom windows and legend toggles. */
export function exportOption(option: object, markers: readonly ExportMarker[], background: string, live: LiveState = {}): object {
  const o = option as Dict
  const shown = markers.filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y))
  const series = Array.isArray(o.series) ? (o.series as Dict[]) : o.series ? [o.series as Dict] : []
  const out: Dict = { ...o, series: [...series, ...shown.map((m) => markerSeries(m, background))] }
  if (o.legend && !Array.isArray(o.legend)) {
    const legend = o.legend as Dict
    const curves = (legend.data as unknown[] | undefined) ?? [...new Set(series.map((s) => s.name).filter((n) => typeof n === 'string'))]
    const selected = { ...(legend.selected as Dict | undefined), ...live.legendSelected }
    out.legend = { ...legend, data: curves, ...(Object.keys(selected).length ? { selected } : {}) }
  }
  // The markers get their own legend under the plot (a plain legend wraps, it never pages), so
  // labels of markers that coincide cannot overlap; the grid moves up to make room.
  if (shown.length > 0) {
    const main = out.legend ? [out.legend] : []
    const textStyle = ((out.legend as Dict | undefined)?.textStyle as Dict | undefined) ?? {}
    out.legend = [...main, { type: 'plain', bottom: 2, left: 'center', itemGap: 14, itemWidth: 14, itemHeight: 14, selectedMode: false, data: shown.map((m) => m.label), textStyle: { ...textStyle, fontSize: 11 } }]
    if (o.grid && !Array.isArray(o.grid)) {
      const grid = o.grid as Dict
      out.grid = { ...grid, bottom: (typeof grid.bottom === 'number' ? grid.bottom : 36) + 20 + 18 * Math.ceil(shown.length / 2) }
    }
  }
  if (live.dataZoom && Array.isArray(o.dataZoom)) {
    out.dataZoom = (o.dataZoom as Dict[]).map((z, i) => {
      const w = live.dataZoom![i]
      return w && typeof w.start === 'number' && typeof w.end === 'number' ? { ...z, start: w.start, end: w.end } : z
    })
  }
  return out
}
