// Roboto ships as two woff2 files next to the bundle (tb_plugin/static/fonts/). The @font-face
// URLs are built from the module's own URL: the iframe page and the module have different base
// URLs, and Vite would inline a literal new URL(..., import.meta.url) as a data: URL.
const FILES: [weight: number, file: string][] = [
  [400, 'fonts/roboto-latin-400-normal.woff2'],
  [500, 'fonts/roboto-latin-500-normal.woff2'],
]

export function fontFaceCss(moduleUrl: string): string {
  return FILES.map(
    ([weight, file]) =>
      `@font-face{font-family:Roboto;font-style:normal;font-weight:${weight};font-display:swap;` +
      `src:url(${JSON.stringify(new URL(file, moduleUrl).href)}) format('woff2');}`,
  ).join('\n')
}

/** Wait for Roboto (charts measure text once), but never longer than ``timeoutMs``. */
export async function loadFonts(timeoutMs = 1500): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts?.load) return
  const loads = Promise.all([document.fonts.load('400 12px Roboto'), document.fonts.load('500 12px Roboto')])
  await Promise.race([loads.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs))])
}
