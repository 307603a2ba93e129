import type { DashboardDefinition } from '../../app/registry'
import { EvaluationSidebar } from '../shared/EvaluationSidebar'
import { createRegressionState } from './state'
import { RegressionView } from './view'

export const regressionDashboard: DashboardDefinition = {
  id: 'regression',
  title: 'Regression',
  create({ api, shell }) {
    const state = createRegressionState(api, shell)
    return {
      View: () => <RegressionView state={state} shell={shell} />,
      Sidebar: () => <EvaluationSidebar state={state} title="Regression evaluations" />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
