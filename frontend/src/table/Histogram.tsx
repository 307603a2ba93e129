import type { Histogram as HistogramData } from '../api/types'
import { formatNumber } from '../model/format'
import { histogramBars } from '../model/histogram'

export function Histogram({ histogram, width = 110, height = 28 }: { histogram: HistogramData; width?: number; height?: number }) {
  const bars = histogramBars(histogram, width, height)
  if (bars.length === 0) return null
  return (
    <svg class="tbe-hist" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="histogram">
      {bars.map((bar, i) => (
        <rect key={i} x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
          <title>{`${formatNumber(bar.low)} – ${formatNumber(bar.high)}: ${bar.count}`}</title>
        </rect>
      ))}
    </svg>
  )
}
