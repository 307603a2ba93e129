// Every dashboard, in tab order. Classification, Regression, Feature importance and Compare runs
// register here the same way when they arrive.
import { registerDashboard } from '../app/registry'
import { tablesDashboard } from './tables'

let registered = false
export function registerAll(): void {
  if (registered) return
  registered = true
  registerDashboard(tablesDashboard)
}
