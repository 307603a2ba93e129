// The dashboards shown as tabs. Each dashboard lives in src/dashboards/<id>/, owns its state and
// views, and registers a definition here (see src/dashboards/index.ts).
import type { ComponentType } from 'preact'
import type { Api } from '../api/client'
import type { Shell } from './store'

export interface DashboardContext {
  api: Api
  shell: Shell
}

export interface DashboardInstance {
  /** The main area. */
  View: ComponentType
  /** Extra sidebar content under the shared run picker. */
  Sidebar?: ComponentType
  /** Start loading and refreshing; returns a stop function. Called when the tab is first shown. */
  start?(): () => void
  /** Restore from the URL keys (prefix removed), once at start-up. */
  restore?(data: Record<string, string>): void
  /** The URL keys to write back; read inside an effect, so reading signals subscribes. */
  urlData?(): Record<string, string>
}

export interface DashboardDefinition {
  id: string
  title: string
  create(context: DashboardContext): DashboardInstance
}

const registry: DashboardDefinition[] = []

export function registerDashboard(definition: DashboardDefinition): void {
  if (registry.some((d) => d.id === definition.id)) throw new Error(`dashboard ${definition.id} registered twice`)
  registry.push(definition)
}

export function dashboards(): readonly DashboardDefinition[] {
  return registry
}
