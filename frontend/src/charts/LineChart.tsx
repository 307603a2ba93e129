// Host component for an ECharts line chart: init, update, resize and dispose.
import { useEffect, useRef } from 'preact/hooks'
import type { LinePlot } from '../model/series'
import { DARK_COLORS, LIGHT_COLORS, lineOption } from './lineOption'
import { echarts } from './setup'

export function LineChart({ plot, dark, label, colorOf }: { plot: LinePlot; dark: boolean; label: string; colorOf?: (run: string) => string }) {
  const host = useRef<HTMLDivElement>(null)
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null)

  useEffect(() => {
    const element = host.current!
    chart.current = echarts.init(element, undefined, { renderer: 'canvas' })
    const observer = new ResizeObserver(() => chart.current?.resize())
    observer.observe(element)
    return () => {
      observer.disconnect()
      chart.current?.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(lineOption(plot, dark ? DARK_COLORS : LIGHT_COLORS, colorOf) as never, { notMerge: true })
  }, [plot, dark, colorOf])

  return <div ref={host} class="tbe-chart" role="img" aria-label={label} />
}
