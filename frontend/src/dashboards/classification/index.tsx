import { defineDashboard } from '../shared/define'
import { createClassificationState } from './state'
import { ClassificationSidebar, ClassificationView } from './view'

export const classificationDashboard = defineDashboard({
  id: 'classification',
  title: 'Classification',
  state: (api, shell) => createClassificationState(api, shell),
  View: ClassificationView,
  Sidebar: ClassificationSidebar,
})
