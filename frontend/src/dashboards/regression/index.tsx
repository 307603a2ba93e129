import type { DashboardDefinition } from '../../app/registry'
import { createClassificationState } from '../classification/state'
import { ClassificationSidebar } from '../classification/view'
import { RegressionView } from './view'

// Same state shape as Classification (open evaluation, step, report, trend), restricted to
// regression evaluations and with its own URL keys ("reg_").
export const regressionDashboard: DashboardDefinition = {
  id: 'regression',
  title: 'Regression',
  create({ api, shell }) {
    const state = createClassificationState(api, shell, ['regression'], 'reg_')
    return {
      View: () => <RegressionView state={state} shell={shell} />,
      Sidebar: () => <ClassificationSidebar state={state} title="Regression evaluations" />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
