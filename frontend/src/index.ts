// Entry point loaded by TensorBoard's plugin_entry.html: import("./static/index.js").then(m => m.render()).
import { boot } from './app/boot'
import { fontFaceCss, loadFonts } from './ui/fonts'
import styles from './ui/styles.css?inline'

function addStyle(id: string, css: string): void {
  if (document.getElementById(id)) return
  const element = document.createElement('style')
  element.id = id
  element.textContent = css
  document.head.appendChild(element)
}

export async function render(): Promise<void> {
  addStyle('tbe-fonts', fontFaceCss(import.meta.url))
  addStyle('tbe-styles', styles)
  await loadFonts()
  let container = document.getElementById('tbe-app')
  if (!container) {
    container = document.createElement('div')
    container.id = 'tbe-app'
    document.body.appendChild(container)
  }
  boot(container)
}
