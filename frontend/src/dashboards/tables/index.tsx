import { defineDashboard } from '../shared/define'
import { createTablesState } from './state'
import { TablesSidebar, TablesView } from './view'

export const tablesDashboard = defineDashboard({ id: 'tables', title: 'Tables', state: createTablesState, View: TablesView, Sidebar: TablesSidebar })
