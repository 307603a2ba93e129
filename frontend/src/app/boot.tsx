// Wires the shell together: API client, dashboards, URL state, IPC and the refresh clock.
import { effect } from '@preact/signals'
import { render as renderPreact } from 'preact'
import { type Api, createApi } from '../api/client'
import { registerAll } from '../dashboards'
import { shellFromUrl, shellToUrl } from '../model/viewState'
import { App, type OfflineInfo } from './App'
import { connectHost } from './ipc'
import { dashboards, type DashboardInstance } from './registry'
import { createShell } from './store'
import { readUrlData, writeUrlData } from './urlSync'

/** How often the view reloads itself: TensorBoard's reload does not reach iframe plugins. */
export const POLL_MS = 10_000

export interface BootOptions {
  api?: Api
  pollMs?: number
  ipc?: boolean
  /** Only these dashboards (ids), in tab order; default every one. */
  dashboards?: string[]
  /** The dashboard opened when the URL names none of them; default the first. */
  dashboard?: string
  /** A page without a server (a report): said in the header, Refresh hidden. */
  offline?: OfflineInfo
}

export function boot(container: HTMLElement, options: BootOptions = {}) {
  registerAll()
  const api = options.api ?? createApi()
  const shell = createShell(api)
  const definitions = dashboards().filter((d) => !options.dashboards || options.dashboards.includes(d.id))
  const instances = new Map<string, DashboardInstance>()
  for (const definition of definitions) instances.set(definition.id, definition.create({ api, shell }))

  // Restore from the URL before anything loads.
  const urlData = readUrlData()
  const restored = shellFromUrl(urlData)
  shell.chosenRuns.value = restored.runs
  const fallback = definitions.some((d) => d.id === options.dashboard) ? options.dashboard : definitions[0]?.id
  shell.dashboard.value = definitions.some((d) => d.id === restored.dashboard) ? restored.dashboard : (fallback ?? '')
  shell.offline.value = options.offline !== undefined
  for (const instance of instances.values()) instance.restore?.(urlData)

  const stops: (() => void)[] = []
  const started = new Set<string>()
  const onShow = (id: string) => {
    if (started.has(id)) return
    started.add(id)
    const stop = instances.get(id)?.start?.()
    if (stop) stops.push(stop)
  }

  // Write the URL state back (debounced: typing in a filter should not rewrite it per key).
  let urlTimer: ReturnType<typeof setTimeout> | undefined
  stops.push(
    effect(() => {
      const data = {
        ...shellToUrl({ dashboard: shell.dashboard.value, runs: shell.chosenRuns.value }),
        ...(instances.get(shell.dashboard.value)?.urlData?.() ?? {}),
      }
      clearTimeout(urlTimer)
      urlTimer = setTimeout(() => writeUrlData(data), 150)
    }),
  )

  // Theme: follow the system unless the user picked one.
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null
  if (media) {
    shell.prefersDark.value = media.matches
    const onChange = (e: MediaQueryListEvent) => (shell.prefersDark.value = e.matches)
    media.addEventListener?.('change', onChange)
    stops.push(() => media.removeEventListener?.('change', onChange))
  }

  // Refresh: on a timer while visible, and when TensorBoard reports reloaded data.
  const pollMs = options.pollMs ?? POLL_MS
  if (pollMs > 0) {
    const timer = setInterval(() => {
      // TensorBoard hides the iframe of an inactive tab with CSS: it then has no size.
      const shown = !document.hidden && (window.innerWidth > 0 || window.innerHeight > 0)
      if (shown) shell.refresh()
    }, pollMs)
    stops.push(() => clearInterval(timer))
  }
  if (options.ipc !== false) {
    const host = connectHost()
    host?.listen('experimental.DataReloaded', () => shell.refresh())
    host?.listen('experimental.RunsChanged', () => void shell.loadRuns())
  }

  shell.lastRefresh.value = Date.now()
  void shell.loadRuns()
  renderPreact(<App shell={shell} definitions={definitions} instances={instances} onShow={onShow} offline={options.offline} />, container)
  return {
    shell,
    instances,
    stop() {
      clearTimeout(urlTimer)
      stops.forEach((stop) => stop())
      renderPreact(null, container)
    },
  }
}
