// The shell: dashboard tabs, shared run picker, error banner, theme, refresh.
import { useEffect } from 'preact/hooks'
import type { DashboardDefinition, DashboardInstance } from './registry'
import { RunPicker } from './RunPicker'
import type { Shell, ThemeChoice } from './store'

export interface AppProps {
  shell: Shell
  definitions: readonly DashboardDefinition[]
  instances: Map<string, DashboardInstance>
  /** Called when a dashboard is shown, so it starts loading only when needed. */
  onShow(id: string): void
  /** Set on a page without a server (an HTML report). */
  offline?: OfflineInfo
}

export interface OfflineInfo {
  /** One line for the header (what, when). */
  summary: string
  /** What the page cannot show. */
  note: string
}

const THEME_NEXT: Record<ThemeChoice, ThemeChoice> = { auto: 'light', light: 'dark', dark: 'auto' }

function ErrorBanner({ shell }: { shell: Shell }) {
  const error = shell.error.value
  if (!error) return null
  return (
    <div class="tbe-banner" role="alert">
      <span class="tbe-grow">{error}</span>
      <button type="button" class="tbe-button tbe-small" onClick={() => shell.refresh()}>
        Retry
      </button>
      <button type="button" class="tbe-button tbe-small" aria-label="Dismiss error" onClick={() => (shell.error.value = null)}>
        ✕
      </button>
    </div>
  )
}

export function App({ shell, definitions, instances, onShow, offline }: AppProps) {
  const active = definitions.find((d) => d.id === shell.dashboard.value) ?? definitions[0]
  const instance = active ? instances.get(active.id) : undefined
  useEffect(() => {
    if (active) onShow(active.id)
  }, [active?.id])
  const last = shell.lastRefresh.value
  return (
    <div class={`tbe-root${shell.dark.value ? ' tbe-dark' : ''}`}>
      <header class="tbe-header">
        <div class="tbe-tabs" role="tablist" aria-label="Dashboards">
          {definitions.map((d) => (
            <button
              key={d.id}
              type="button"
              role="tab"
              class="tbe-tab"
              aria-selected={d.id === active?.id ? 'true' : 'false'}
              onClick={() => (shell.dashboard.value = d.id)}
            >
              {d.title}
            </button>
          ))}
        </div>
        <span class="tbe-spacer" />
        {offline ? (
          <span class="tbe-status" data-testid="report-summary" title={offline.note}>
            {offline.summary}
          </span>
        ) : (
          <>
            {last ? <span class="tbe-status">{`Updated ${new Date(last).toLocaleTimeString()}`}</span> : null}
            <button type="button" class="tbe-button tbe-small" title="Reload data now" onClick={() => shell.refresh()}>
              ⟳ Refresh
            </button>
          </>
        )}
        <button
          type="button"
          class="tbe-button tbe-small"
          title="Theme: follows the system, light or dark"
          onClick={() => (shell.theme.value = THEME_NEXT[shell.theme.value])}
        >
          {`Theme: ${shell.theme.value}`}
        </button>
      </header>
      {offline ? (
        <div class="tbe-task-notice" role="note" data-testid="report-note">
          {offline.note}
        </div>
      ) : null}
      <ErrorBanner shell={shell} />
      <div class="tbe-body">
        <aside class="tbe-sidebar">
          <RunPicker shell={shell} />
          {instance?.Sidebar ? <instance.Sidebar /> : null}
        </aside>
        <main class="tbe-main" aria-label={active?.title ?? ''}>
          {instance ? <instance.View /> : <div class="tbe-empty">No dashboard.</div>}
        </main>
      </div>
    </div>
  )
}
