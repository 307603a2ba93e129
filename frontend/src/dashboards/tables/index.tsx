import type { DashboardDefinition } from '../../app/registry'
import { createTablesState } from './state'
import { TablesSidebar, TablesView } from './view'

export const tablesDashboard: DashboardDefinition = {
  id: 'tables',
  title: 'Tables',
  create({ api, shell }) {
    const state = createTablesState(api, shell)
    return {
      View: () => <TablesView state={state} shell={shell} />,
      Sidebar: () => <TablesSidebar state={state} />,
      start: state.start,
      restore: state.restore,
      urlData: state.urlData,
    }
  },
}
