import type { DashboardDefinition } from '../../app/registry'
import { createCompareState } from './state'
import { CompareSidebar, CompareView } from './view'

export const compareDashboard: DashboardDefinition = {
  id: 'compare',
  title: 'Compare runs',
  create({ api, shell }) {
    const state = createCompareState(api, shell)
    return {
      View: () => <CompareView state={state} shell={shell} />,
      Sidebar: () => <CompareSidebar state={state} />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
