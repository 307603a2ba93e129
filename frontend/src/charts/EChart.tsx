// Host component for any ECharts option: init, update, resize, dispose, legend and click events,
// export buttons (PNG/SVG/CSV) and an overlay of markers that move WITHOUT a chart update (DOM
// dots placed with convertToPixel, so a slider move never costs a full chart update).
import { effect, type ReadonlySignal } from '@preact/signals'
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { download, downloadText, exportPng, exportSvg, pngDataUrl } from './export'
import { exportOption, type ExportMarker, type LiveState } from './options/markers'
import { DARK_COLORS, LIGHT_COLORS } from './lineOption'
import { echarts } from './setup'

/** An overlay marker: `label` is its accessible name and tooltip (e.g. "operating point
 * (t=0.500)"); 'point' is the moving operating point, 'ring'/'diamond' notable thresholds. */
export type Marker = ExportMarker

export interface EChartProps {
  option: object
  dark: boolean
  label: string
  height?: number
  /** File name stem for the exports. */
  exportName?: string
  /** The chart's data as CSV (the CSV button appears when given). */
  csv?: () => string
  markers?: ReadonlySignal<Marker[]>
  onLegend?(selected: Record<string, boolean>): void
  onClick?(params: { data?: unknown; dataIndex: number; seriesIndex: number; name?: string }): void
  children?: ComponentChildren
  testId?: string
}

type Chart = ReturnType<typeof echarts.init>

/** Zoom windows and legend toggles of the live chart (kept in the exports). */
function liveState(chart: Chart | null): LiveState {
  if (!chart) return {}
  const o = chart.getOption() as { dataZoom?: LiveState['dataZoom']; legend?: { selected?: Record<string, boolean> }[] }
  return { dataZoom: o.dataZoom, legendSelected: o.legend?.[0]?.selected }
}

export function EChart({ option, dark, label, height = 320, exportName, csv, markers, onLegend, onClick, children, testId }: EChartProps) {
  const host = useRef<HTMLDivElement>(null)
  const overlay = useRef<HTMLDivElement>(null)
  const chart = useRef<Chart | null>(null)
  const handlers = useRef({ onLegend, onClick })
  handlers.current = { onLegend, onClick }
  const place = useRef<() => void>(() => {})

  useEffect(() => {
    const element = host.current!
    const c = echarts.init(element, undefined, { renderer: 'canvas' })
    chart.current = c
    // For the end-to-end tests and debugging: the instance, from the host element.
    ;(element as HTMLElement & { __tbeChart?: Chart }).__tbeChart = c
    // a click on the legend fires legendselectchanged; dispatched actions (keyboard, tests) the others
    for (const name of ['legendselectchanged', 'legendselected', 'legendunselected'])
      c.on(name, (e: unknown) => handlers.current.onLegend?.((e as { selected: Record<string, boolean> }).selected))
    c.on('click', (e: unknown) => handlers.current.onClick?.(e as never))
    c.on('datazoom', () => place.current())
    const observer = new ResizeObserver(() => {
      if (c.isDisposed()) return // a resize queued before the unmount
      c.resize()
      place.current()
    })
    observer.observe(element)
    return () => {
      observer.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    const c = chart.current
    if (!c || c.isDisposed()) return
    c.setOption(option as never, { notMerge: true })
    place.current()
  }, [option])

  // Markers: subscribe to the signal directly, so a slider move only touches these few DOM nodes.
  useEffect(() => {
    if (!markers) return
    const nodes = new Map<string, HTMLElement>()
    const draw = () => {
      const c = chart.current
      const layer = overlay.current
      if (!c || !layer) return
      const list = markers.value
      const seen = new Set<string>()
      for (const m of list) {
        seen.add(m.id)
        let node = nodes.get(m.id)
        if (!node) {
          node = document.createElement('div')
          node.className = `tbe-marker tbe-marker-${m.shape}`
          node.setAttribute('role', 'img')
          node.dataset.marker = m.id
          layer.appendChild(node)
          nodes.set(m.id, node)
        }
        let pixel: number[] | undefined
        try {
          pixel = c.convertToPixel({ xAxisIndex: 0, yAxisIndex: 0 }, [m.x, m.y]) as number[]
        } catch {
          pixel = undefined
        }
        if (!pixel || !Number.isFinite(pixel[0]) || !Number.isFinite(pixel[1])) {
          node.style.display = 'none'
          continue
        }
        node.style.display = ''
        node.style.transform = `translate(${pixel[0]}px, ${pixel[1]}px)`
        node.style.setProperty('--marker-color', m.color)
        node.title = m.label
        node.setAttribute('aria-label', m.label)
      }
      for (const [id, node] of nodes)
        if (!seen.has(id)) {
          node.remove()
          nodes.delete(id)
        }
    }
    place.current = draw
    const stop = effect(() => {
      void markers.value
      draw()
    })
    return () => {
      stop()
      place.current = () => {}
      nodes.forEach((n) => n.remove())
    }
  }, [markers])

  const background = (dark ? DARK_COLORS : LIGHT_COLORS).background
  const stem = exportName ?? 'chart'
  /** The option to export: the markers (if any) as series, with the live zoom and legend. */
  const forExport = () => exportOption(option, markers?.value ?? [], background, liveState(chart.current))
  const size = () => [host.current?.clientWidth || 640, host.current?.clientHeight || height] as const
  return (
    <div class="tbe-echart" data-testid={testId}>
      <div class="tbe-export" role="group" aria-label={`Export ${label}`}>
        {children}
        <button
          type="button"
          class="tbe-button tbe-small"
          title="Download as PNG"
          onClick={() => {
            if (!chart.current) return
            // with markers: a detached instance draws the export option; else the live canvas
            if (markers && markers.value.length > 0) download(pngDataUrl(forExport(), ...size(), background), `${stem}.png`)
            else exportPng(chart.current, `${stem}.png`, background)
          }}
        >
          PNG
        </button>
        <button
          type="button"
          class="tbe-button tbe-small"
          title="Download as SVG"
          onClick={() => {
            if (host.current) exportSvg(forExport(), ...size(), background, `${stem}.svg`)
          }}
        >
          SVG
        </button>
        {csv ? (
          <button type="button" class="tbe-button tbe-small" title="Download the data as CSV" onClick={() => downloadText(csv(), `${stem}.csv`, 'text/csv')}>
            CSV
          </button>
        ) : null}
      </div>
      <div class="tbe-chart-host" style={{ height: `${height}px` }}>
        <div ref={host} class="tbe-chart-canvas" role="img" aria-label={label} />
        <div ref={overlay} class="tbe-marker-layer" aria-hidden={markers ? undefined : 'true'} />
      </div>
    </div>
  )
}
