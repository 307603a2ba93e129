import { defineDashboard } from '../shared/define'
import { RegressionSidebar } from './logged'
import { createRegressionState } from './state'
import { RegressionView } from './view'

export const regressionDashboard = defineDashboard({
  id: 'regression',
  title: 'Regression',
  state: createRegressionState,
  View: RegressionView,
  Sidebar: RegressionSidebar,
})
