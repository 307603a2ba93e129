import type { DashboardDefinition } from '../../app/registry'
import { createClassificationState } from './state'
import { ClassificationSidebar, ClassificationView } from './view'

export const classificationDashboard: DashboardDefinition = {
  id: 'classification',
  title: 'Classification',
  create({ api, shell }) {
    const state = createClassificationState(api, shell)
    return {
      View: () => <ClassificationView state={state} shell={shell} />,
      Sidebar: () => <ClassificationSidebar state={state} />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
