import { defineDashboard } from '../shared/define'
import { createImportanceState } from './state'
import { ImportanceSidebar, ImportanceView } from './view'

export const importanceDashboard = defineDashboard({ id: 'importance', title: 'Feature importance', state: createImportanceState, View: ImportanceView, Sidebar: ImportanceSidebar })
