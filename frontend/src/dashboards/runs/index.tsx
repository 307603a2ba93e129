import { defineDashboard } from '../shared/define'
import { RunsView } from './view'

export const runsDashboard = defineDashboard({ id: 'runs', title: 'Runs', View: RunsView })
