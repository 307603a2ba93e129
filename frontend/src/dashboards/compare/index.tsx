import { defineDashboard } from '../shared/define'
import { createCompareState } from './state'
import { CompareSidebar, CompareView } from './view'

export const compareDashboard = defineDashboard({
  id: 'compare',
  title: 'Compare runs',
  state: createCompareState,
  View: CompareView,
  Sidebar: CompareSidebar,
})
