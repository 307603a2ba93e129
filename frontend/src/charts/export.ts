// Chart and data exports through <a download> (blob: for SVG/CSV, data: for PNG), which works in
// the plugin's same-origin iframe under its CSP. No window.open.
import { echarts } from './setup'

export function download(href: string, filename: string): void {
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  download(url, filename)
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/** A file-name-safe version of a logged name. */
export function fileStem(...parts: (string | number | null | undefined)[]): string {
  return (
    parts
      .filter((p) => p !== null && p !== undefined && p !== '')
      .map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, ''))
      .filter(Boolean)
      .join('-') || 'chart'
  )
}

export function exportPng(chart: ReturnType<typeof echarts.init>, filename: string, background: string): void {
  download(chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background }), filename)
}

/** A PNG of `option` drawn by a detached canvas instance (used when the export option differs
 * from the live one, e.g. with the marker series), so the live chart is never touched. */
export function pngDataUrl(option: object, width: number, height: number, background: string): string {
  const element = document.createElement('div')
  const chart = echarts.init(element, undefined, { renderer: 'canvas', width, height })
  try {
    chart.setOption({ ...option, animation: false } as never)
    return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background })
  } finally {
    chart.dispose()
  }
}

/** Renders the option again with ECharts' server-side SVG renderer and downloads the string. */
export function svgString(option: object, width: number, height: number, background: string): string {
  const ssr = echarts.init(null as unknown as HTMLElement, undefined, { renderer: 'svg', ssr: true, width, height })
  try {
    ssr.setOption({ ...option, backgroundColor: background } as never)
    return ssr.renderToSVGString()
  } finally {
    ssr.dispose()
  }
}

export function exportSvg(option: object, width: number, height: number, background: string, filename: string): void {
  downloadText(svgString(option, width, height, background), filename, 'image/svg+xml')
}
