// State shared by every dashboard: the runs, which of them are chosen, the open dashboard, the
// error banner, the theme and the refresh clock. Plain signals; no view code here.
import { computed, signal } from '@preact/signals'
import type { Api } from '../api/client'
import { isAbort } from '../api/client'
import type { RunInfo } from '../api/types'
import { DEFAULT_DASHBOARD } from '../model/viewState'

export type ThemeChoice = 'auto' | 'light' | 'dark'

export function createShell(api: Api) {
  const runs = signal<RunInfo[]>([])
  /** null: every run (nothing chosen yet). */
  const chosenRuns = signal<string[] | null>(null)
  const dashboard = signal(DEFAULT_DASHBOARD)
  const error = signal<string | null>(null)
  const refreshTick = signal(0)
  const lastRefresh = signal<number | null>(null)
  const loadingRuns = signal(false)
  const theme = signal<ThemeChoice>('auto')
  const prefersDark = signal(false)
  /** No server behind the page (an HTML report): links to server routes are not drawn. */
  const offline = signal(false)

  const runNames = computed(() => runs.value.map((r) => r.run))
  const selectedRuns = computed(() => {
    const chosen = chosenRuns.value
    if (chosen === null) return runNames.value
    const picked = new Set(chosen)
    // Keep the order of the run list, not the order of clicks.
    return runNames.value.filter((r) => picked.has(r))
  })
  const dark = computed(() => (theme.value === 'auto' ? prefersDark.value : theme.value === 'dark'))

  function reportError(source: string, e: unknown): void {
    if (isAbort(e)) return
    const message = e instanceof Error ? e.message : String(e)
    error.value = `${source}: ${message}`
  }

  async function loadRuns(): Promise<void> {
    loadingRuns.value = true
    try {
      const response = await api.runs()
      runs.value = Array.isArray(response.runs) ? response.runs : []
    } catch (e) {
      reportError('Could not load the runs', e)
    } finally {
      loadingRuns.value = false
    }
  }

  function toggleRun(run: string): void {
    const current = selectedRuns.value
    chosenRuns.value = current.includes(run) ? current.filter((r) => r !== run) : [...current, run]
  }

  function refresh(): void {
    error.value = null
    refreshTick.value += 1
    lastRefresh.value = Date.now()
    void loadRuns()
  }

  return {
    runs,
    chosenRuns,
    selectedRuns,
    runNames,
    dashboard,
    error,
    refreshTick,
    lastRefresh,
    loadingRuns,
    theme,
    prefersDark,
    offline,
    dark,
    reportError,
    loadRuns,
    toggleRun,
    refresh,
  }
}

export type Shell = ReturnType<typeof createShell>
