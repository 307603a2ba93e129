// State of the Regression dashboard: the shared evaluation state (open evaluation, step, report,
// trend) restricted to regression evaluations, with its own URL keys ("reg_").
import type { Api } from '../../api/client'
import type { Shell } from '../../app/store'
import { createEvaluationState, type EvaluationView } from '../shared/evaluationState'
import { startLifecycle } from '../shared/lifecycle'
import { entryFromUrl, entryToUrl } from '../shared/view'

const PREFIX = 'reg_'

export function createRegressionState(api: Api, shell: Shell) {
  const base = createEvaluationState<EvaluationView>(api, shell, { tasks: ['regression'], defaults: () => ({ run: null, name: null, step: null }) })
  return {
    ...base,
    start: () =>
      startLifecycle(shell, {
        loadListing: base.loadListing,
        entries: base.entries,
        isOpen: () => base.entry.value !== null,
        open: (e) => base.open(e.run, e.name),
        reloads: [base.reloads.report, base.reloads.trend],
      }),
    restore(data: Record<string, string>) {
      base.view.value = entryFromUrl(data, PREFIX)
    },
    urlData: () => entryToUrl(base.view.value, PREFIX),
  }
}

export type RegressionState = ReturnType<typeof createRegressionState>
