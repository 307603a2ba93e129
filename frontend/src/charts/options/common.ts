// Shared styling of the evaluation charts: palette, axes, tooltips. Pure.
import { type ChartColors, PALETTE } from '../lineOption'
import { formatNumber } from '../../model/format'

export { PALETTE }
export type { ChartColors }

export const FONT = 'Roboto, Helvetica Neue, Arial, sans-serif'

/** Tooltip formatters return HTML: every logged string goes through this first. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

export function axisStyle(colors: ChartColors, format: (v: number) => string = (v) => formatNumber(v)) {
  return {
    nameTextStyle: { color: colors.muted },
    axisLine: { lineStyle: { color: colors.grid } },
    axisTick: { lineStyle: { color: colors.grid } },
    axisLabel: { color: colors.muted, formatter: format, hideOverlap: true },
    splitLine: { lineStyle: { color: colors.grid } },
  }
}

export function baseOption(colors: ChartColors) {
  return {
    animation: false,
    color: PALETTE,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: FONT, color: colors.text },
  }
}

export function tooltipBase(colors: ChartColors) {
  return {
    confine: true,
    backgroundColor: colors.background,
    borderColor: colors.grid,
    textStyle: { color: colors.text, fontSize: 12 },
  }
}

/** An item tooltip (one series point at a time) with the given HTML formatter. */
export function itemTooltip<P>(colors: ChartColors, formatter: (p: P) => string) {
  return { ...tooltipBase(colors), trigger: 'item' as const, formatter }
}

/** The paging legend of the curve charts: a name is followed by its note (AUC, ECE, ...) when it has one. */
export function noteLegend(colors: ChartColors, data: string[], selected: Record<string, boolean>, notes: ReadonlyMap<string, string>) {
  return {
    type: 'scroll' as const,
    top: 0,
    data,
    selected,
    textStyle: { color: colors.text },
    pageTextStyle: { color: colors.muted },
    formatter: (name: string) => (notes.has(name) ? `${name}  ${notes.get(name)}` : name),
  }
}

export const REFERENCE_COLOR = '#9e9e9e'

/** Colour of a series by role: classes cycle the palette, averages use the text colour. */
export function seriesColor(role: string, index: number, colors: ChartColors): string {
  if (role === 'reference') return REFERENCE_COLOR
  if (role === 'average') return colors.text
  return PALETTE[index % PALETTE.length]
}
