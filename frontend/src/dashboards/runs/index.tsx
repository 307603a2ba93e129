import type { DashboardDefinition } from '../../app/registry'
import { RunsView } from './view'

export const runsDashboard: DashboardDefinition = {
  id: 'runs',
  title: 'Runs',
  create({ shell }) {
    return { View: () => <RunsView shell={shell} /> }
  },
}
