// Helpers for tests that draw into happy-dom: a host element on the page, the whole app booted on
// a URL hash, and the clean-up after each test (the app, the page, the hash, the XSS probe).
import { type ComponentChild, render } from 'preact'
import { afterEach } from 'vitest'
import { createApi } from '../src/api/client'
import { boot } from '../src/app/boot'

/** An empty element appended to the page. */
export function newHost(): HTMLElement {
  const host = document.createElement('div')
  document.body.appendChild(host)
  return host
}

/** Renders `node` into a new host on the page. */
export function mount(node: ComponentChild): HTMLElement {
  const host = newHost()
  render(node, host)
  return host
}

let app: ReturnType<typeof boot> | null = null

/** Boots the whole app (no polling, no IPC) on the page hash `hash`, answered by `fetchImpl`. */
export function bootApp(fetchImpl: Parameters<typeof createApi>[0], hash = ''): HTMLElement {
  history.replaceState(null, '', hash || '#')
  const host = newHost()
  app = boot(host, { api: createApi(fetchImpl), pollMs: 0, ipc: false })
  return host
}

export function stopApp(): void {
  app?.stop()
  app = null
}

/** After each test: stop the booted app, empty the page, reset the hash and the XSS probe. */
export function cleanPageAfterEach(): void {
  afterEach(() => {
    stopApp()
    document.body.innerHTML = ''
    history.replaceState(null, '', '#')
    delete (window as { __xss?: unknown }).__xss
  })
}
