// Every dashboard, in tab order.
import { registerDashboard } from '../app/registry'
import { classificationDashboard } from './classification'
import { compareDashboard } from './compare'
import { importanceDashboard } from './importance'
import { regressionDashboard } from './regression'
import { runsDashboard } from './runs'
import { tablesDashboard } from './tables'

let registered = false
export function registerAll(): void {
  if (registered) return
  registered = true
  registerDashboard(tablesDashboard)
  registerDashboard(classificationDashboard)
  registerDashboard(regressionDashboard)
  registerDashboard(importanceDashboard)
  registerDashboard(compareDashboard)
  registerDashboard(runsDashboard)
}
