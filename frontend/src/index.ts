// Entry point loaded by TensorBoard's plugin_entry.html: import("./static/index.js").then(m => m.render()).
// The same module, inlined into an HTML report (python -m tb_eval report), boots itself from the
// data the page carries (src/report/).
import { boot } from './app/boot'
import { reportBootOptions } from './report/boot'
import { readReportDocument, type ReportDocument } from './report/data'
import { fontFaceCss, loadFonts } from './ui/fonts'
import styles from './ui/styles.css?inline'

function addStyle(id: string, css: string): void {
  if (document.getElementById(id)) return
  const element = document.createElement('style')
  element.id = id
  element.textContent = css
  document.head.appendChild(element)
}

function appContainer(): HTMLElement {
  let container = document.getElementById('tbe-app')
  if (!container) {
    container = document.createElement('div')
    container.id = 'tbe-app'
    document.body.appendChild(container)
  }
  return container
}

export async function render(): Promise<void> {
  addStyle('tbe-fonts', fontFaceCss(import.meta.url))
  addStyle('tbe-styles', styles)
  await loadFonts()
  boot(appContainer())
}

/** A report page: the fonts are inlined by the page itself (data: URLs), the data too. */
async function renderReport(doc: ReportDocument): Promise<void> {
  addStyle('tbe-styles', styles)
  await loadFonts()
  boot(appContainer(), reportBootOptions(doc))
}

const reportDocument = readReportDocument()
if (reportDocument) void renderReport(reportDocument)
