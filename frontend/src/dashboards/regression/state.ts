// State of the Regression dashboard: the shared evaluation state (open evaluation, step, report,
// trend) restricted to regression evaluations, with its own URL keys ("reg_"), and the regression
// diagnostics logged in Azure's schemas (log_residuals, log_predictions(name, value)), opened
// instead of an evaluation.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { RegressionBinsResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { createEvaluationState, type EvaluationView } from '../shared/evaluationState'
import { reload, startLifecycle } from '../shared/lifecycle'
import { entryFromUrl, entryToUrl } from '../shared/view'

const PREFIX = 'reg_'
const DOC_KEY = `${PREFIX}bins`

type Doc = { run: string; name: string; step: number | null }

export function createRegressionState(api: Api, shell: Shell) {
  /** A logged residual histogram or binned predicted-vs-true, shown instead of an evaluation. */
  const doc = signal<Doc | null>(null)
  const docData = signal<RegressionBinsResponse | null>(null)
  const base = createEvaluationState<EvaluationView>(api, shell, {
    tasks: ['regression'],
    defaults: () => ({ run: null, name: null, step: null }),
    onOpen() {
      doc.value = null
    },
  })
  const docEntries = computed(() => {
    const runs = new Set(shell.selectedRuns.value)
    return (base.listing.value?.regression_bins ?? []).filter((e) => runs.has(e.run))
  })
  /** Evaluations first, then the logged documents: the first is opened when nothing is. */
  const everything = computed(() => [...base.entries.value.map((e) => ({ doc: false, run: e.run, name: e.name })), ...docEntries.value.map((e) => ({ doc: true, run: e.run, name: e.name }))])
  function openDoc(run: string, name: string, step: number | null = null): void {
    batch(() => {
      doc.value = { run, name, step }
      if (docData.value && (docData.value.run !== run || docData.value.name !== name)) docData.value = null
    })
  }
  const loadDoc = base.loader(async (signal, run: string, name: string, step: number | null) => {
    const d = await api.regressionBins(run, name, step, signal)
    if (!signal.aborted) docData.value = d
  })
  const docKey = computed(() => (doc.value ? JSON.stringify([doc.value.run, doc.value.name, doc.value.step]) : ''))
  return {
    ...base,
    doc,
    docData,
    docEntries,
    openDoc,
    start: () =>
      startLifecycle(shell, {
        loadListing: base.loadListing,
        entries: everything,
        isOpen: () => base.entry.value !== null || doc.value !== null,
        open: (e) => (e.doc ? openDoc(e.run, e.name) : base.open(e.run, e.name)),
        reloads: [base.reloads.report, base.reloads.trend, reload(docKey, (key) => (key ? loadDoc(...(JSON.parse(key) as [string, string, number | null])) : undefined))],
      }),
    restore(data: Record<string, string>) {
      base.view.value = entryFromUrl(data, PREFIX)
      const saved = data[DOC_KEY]
      if (!saved) return
      try {
        const [run, name, step] = JSON.parse(saved) as [unknown, unknown, unknown]
        if (typeof run === 'string' && typeof name === 'string') doc.value = { run, name, step: typeof step === 'number' ? step : null }
      } catch {
        // malformed: ignore
      }
    },
    urlData: () => {
      const data = entryToUrl(base.view.value, PREFIX)
      if (doc.value) data[DOC_KEY] = JSON.stringify([doc.value.run, doc.value.name, doc.value.step])
      return data
    },
  }
}

export type RegressionState = ReturnType<typeof createRegressionState>
