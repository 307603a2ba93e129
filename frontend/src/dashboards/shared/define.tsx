// One dashboard definition from its parts: the state factory, the main view and the sidebar. The
// state's start/restore/urlData (each optional) are handed to the shell as they are.
import type { ComponentType } from 'preact'
import type { Api } from '../../api/client'
import type { DashboardDefinition, DashboardInstance } from '../../app/registry'
import type { Shell } from '../../app/store'

/** What a dashboard's state may give the shell. */
export type DashboardHooks = Pick<DashboardInstance, 'start' | 'restore' | 'urlData'>

export interface DashboardSpec<S extends DashboardHooks> {
  id: string
  title: string
  /** Creates the dashboard's state once per page (none: the view reads only the shell). */
  state?(api: Api, shell: Shell): S
  View: ComponentType<{ state: S; shell: Shell }>
  /** Extra sidebar content under the shared run picker. */
  Sidebar?: ComponentType<{ state: S }>
}

export function defineDashboard<S extends DashboardHooks>(spec: DashboardSpec<S>): DashboardDefinition {
  const { id, title, View, Sidebar } = spec
  return {
    id,
    title,
    create({ api, shell }) {
      const state = spec.state ? spec.state(api, shell) : ({} as S)
      const instance: DashboardInstance = { View: () => <View state={state} shell={shell} /> }
      if (Sidebar) instance.Sidebar = () => <Sidebar state={state} />
      if (state.start) instance.start = state.start
      if (state.restore) instance.restore = state.restore
      if (state.urlData) instance.urlData = state.urlData
      return instance
    },
  }
}
