// State shared by the dashboards of one evaluation (Classification, Regression): which evaluation
// is open and at which step, the listing, the report and the trend. No view code; a dashboard adds
// its own state on top and starts the effects with startLifecycle.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { EvaluationEntry, EvaluationReport, EvaluationsResponse, TrendResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import { reload } from './lifecycle'
import { makeLoader } from './loader'
import { type OpenEntry, viewState } from './view'

/** The URL state every evaluation dashboard has (a dashboard's own extends it). */
export type EvaluationView = OpenEntry

export function entryKey(run: string, name: string): string {
  return JSON.stringify([run, name])
}

export interface EvaluationStateOptions<V extends EvaluationView> {
  /** The tasks this dashboard lists (the listing's `task`). */
  tasks: readonly string[]
  defaults(): V
  /** What opening another evaluation keeps of the view; the rest returns to the defaults. */
  keep?(view: V): Partial<V>
  /** More resets, in the same batch as opening an evaluation. */
  onOpen?(): void
}

export function createEvaluationState<V extends EvaluationView>(api: Api, shell: Shell, options: EvaluationStateOptions<V>) {
  const { tasks } = options
  const { view, update } = viewState<V>(options.defaults())
  const listing = signal<EvaluationsResponse | null>(null)
  const report = signal<EvaluationReport | null>(null)
  const trend = signal<TrendResponse | null>(null)
  const loading = signal(false)

  const entries = computed<EvaluationEntry[]>(() => {
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.evaluations ?? []).filter((e) => runs.has(e.run) && e.task !== null && tasks.includes(e.task))
  })
  const entry = computed(() => {
    const { run, name } = view.value
    return entries.value.find((e) => e.run === run && e.name === name) ?? null
  })

  function open(run: string, name: string): void {
    batch(() => {
      options.onOpen?.()
      view.value = { ...options.defaults(), ...options.keep?.(view.value), run, name }
      report.value = null
      trend.value = null
    })
  }
  function setStep(step: number): void {
    const steps = entry.value?.steps ?? []
    update({ step: step === steps[steps.length - 1] ? null : step } as Partial<V>)
  }

  const loader = makeLoader(shell, 'Could not load the evaluation')
  const loadListing = loader(async (signal) => {
    listing.value = await api.evaluations(signal)
  })
  const loadReport = loader(async (signal, run: string, name: string, step: number | null) => {
    loading.value = true
    try {
      const r = await api.evaluation(run, name, step, signal)
      if (!signal.aborted) report.value = r
    } finally {
      if (!signal.aborted) loading.value = false
    }
  })
  const loadTrend = loader(async (signal, run: string, name: string) => {
    const t = await api.trend(run, name, signal)
    if (!signal.aborted) trend.value = t
  })
  const reportKey = computed(() => (entry.value ? JSON.stringify([view.value.run, view.value.name, view.value.step]) : ''))
  const trendKey = computed(() => (entry.value ? JSON.stringify([view.value.run, view.value.name]) : ''))
  /** The report and the trend of the open evaluation, reloaded when it (or its step) changes. */
  const reloads = {
    report: reload(reportKey, () => {
      const v = view.peek()
      if (entry.peek() && v.run !== null && v.name !== null) return loadReport(v.run, v.name, v.step)
    }),
    trend: reload(trendKey, () => {
      const v = view.peek()
      if (entry.peek() && v.run !== null && v.name !== null) return loadTrend(v.run, v.name)
    }),
  }

  return { view, listing, entries, entry, report, trend, loading, update, open, setStep, loader, loadListing, reloads }
}

export type EvaluationState = ReturnType<typeof createEvaluationState<EvaluationView>>
