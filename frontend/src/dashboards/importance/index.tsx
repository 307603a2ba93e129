import type { DashboardDefinition } from '../../app/registry'
import { createImportanceState } from './state'
import { ImportanceSidebar, ImportanceView } from './view'

export const importanceDashboard: DashboardDefinition = {
  id: 'importance',
  title: 'Feature importance',
  create({ api, shell }) {
    const state = createImportanceState(api, shell)
    return {
      View: () => <ImportanceView state={state} shell={shell} />,
      Sidebar: () => <ImportanceSidebar state={state} />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
