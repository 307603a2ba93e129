// Geometry of the small per-column histogram drawn as inline SVG from the server's bins.
import type { Histogram } from '../api/types'

export interface Bar {
  x: number
  y: number
  width: number
  height: number
  count: number
  low: number
  high: number
}

/**
 * One bar per bin, scaled so the tallest bar fills ``height``. Non-empty bins get at least
 * ``minHeight`` so a single outlier stays visible; empty bins have height 0.
 */
export function histogramBars(histogram: Histogram, width: number, height: number, gap = 1, minHeight = 1): Bar[] {
  const { counts, edges } = histogram
  const n = counts.length
  if (n === 0 || edges.length !== n + 1) return []
  const peak = Math.max(...counts)
  const slot = width / n
  const barWidth = Math.max(slot - gap, 0.5)
  return counts.map((count, i) => {
    const scaled = peak > 0 ? (count / peak) * height : 0
    const barHeight = count > 0 ? Math.max(scaled, minHeight) : 0
    return {
      x: i * slot,
      y: height - barHeight,
      width: barWidth,
      height: barHeight,
      count,
      low: edges[i],
      high: edges[i + 1],
    }
  })
}
