import { defineDashboard } from '../shared/define'
import { EvaluationSidebar } from '../shared/EvaluationSidebar'
import { createRegressionState } from './state'
import { RegressionView } from './view'

export const regressionDashboard = defineDashboard({
  id: 'regression',
  title: 'Regression',
  state: createRegressionState,
  View: RegressionView,
  Sidebar: ({ state }) => <EvaluationSidebar state={state} title="Regression evaluations" />,
})
