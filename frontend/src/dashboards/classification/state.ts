// State of the Classification dashboard: which evaluation is open, the report, the threshold
// table and the trend, plus the threshold slider's derived operating point. No view code.
import { batch, computed, effect, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { ConfusionMatrix, ConfusionResponse, EvaluationReport, EvaluationsResponse, ThresholdTable, TrendResponse } from '../../api/evalTypes'
import type { Shell } from '../../app/store'
import {
  bestF1Index,
  costOptimumIndex,
  countsAt,
  expectedCost,
  indexForThreshold,
  metricsFromCounts,
  thresholdAt,
  youdenIndex,
} from '../../model/eval/threshold'
import { curveKeys } from '../../model/eval/series'
import { makeLoader } from '../shared/loader'
import { type ClassificationUrlState, classificationFromUrl, classificationToUrl, defaultClassificationState } from './url'

export const CLASSIFICATION_TASKS = ['binary', 'multiclass', 'multilabel']
/** Rows of the threshold table asked for (the slider's resolution). */
export const THRESHOLD_POINTS = 1000
/** Above this many classes, per-class curves start hidden (micro/macro and the focus class shown). */
export const MAX_DEFAULT_CLASSES = 10

export function entryKey(run: string, name: string): string {
  return JSON.stringify([run, name])
}

export function createClassificationState(api: Api, shell: Shell, tasks: string[] = CLASSIFICATION_TASKS, prefix = 'cls_') {
  const view = signal<ClassificationUrlState>(defaultClassificationState())
  /** The slider's threshold (null: 0.5 or the nearest row). Kept apart from `view` so a slider
   * move touches only what depends on it. */
  const threshold = signal<number | null>(null)
  const listing = signal<EvaluationsResponse | null>(null)
  const report = signal<EvaluationReport | null>(null)
  const table = signal<ThresholdTable | null>(null)
  const trend = signal<TrendResponse | null>(null)
  const loading = signal(false)
  /** A logged confusion matrix (log_confusion_matrix) shown instead of an evaluation. */
  const doc = signal<{ run: string; name: string; step: number | null } | null>(null)
  const docData = signal<ConfusionResponse | null>(null)
  const docEntries = computed(() => {
    if (!tasks.includes('multiclass')) return []
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.confusions ?? []).filter((e) => runs.has(e.run))
  })

  const entries = computed(() => {
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.evaluations ?? []).filter((e) => runs.has(e.run) && e.task !== null && tasks.includes(e.task))
  })
  const entry = computed(() => {
    const { run, name } = view.value
    return entries.value.find((e) => e.run === run && e.name === name) ?? null
  })
  const labels = computed(() => (report.value ? report.value.labels.map(String) : []))
  /** The class against the rest: binary the positive label; else the chosen one or the first. */
  // Narrow views of the URL state: a chart or a scan that depends on one setting must not
  // recompute (and redraw, losing its zoom) when an unrelated setting changes.
  const chosenClass = computed(() => view.value.cls)
  const hiddenSetting = computed(() => view.value.hidden)
  const costFp = computed(() => view.value.costFp)
  const costFn = computed(() => view.value.costFn)
  const focusClass = computed(() => {
    const r = report.value
    if (!r) return null
    const ls = labels.value
    if (r.task === 'binary') return ls[1] ?? null
    const cls = chosenClass.value
    return cls !== null && ls.includes(cls) ? cls : (ls[0] ?? null)
  })
  const hidden = computed<Set<string>>(() => {
    const setting = hiddenSetting.value
    if (setting !== null) return new Set(setting)
    const r = report.value
    if (!r || r.task === 'binary') return new Set()
    const keys = curveKeys(r.curves.roc, r.labels).filter((k) => k !== 'micro' && k !== 'macro')
    if (keys.length <= MAX_DEFAULT_CLASSES) return new Set()
    return new Set(keys.filter((k) => k !== focusClass.value))
  })

  // ------------------------------------------------------------- the operating point
  const index = computed(() => {
    const t = table.value
    if (!t) return -1
    return indexForThreshold(t.thresholds, threshold.value ?? 0.5)
  })
  const operating = computed(() => {
    const t = table.value
    if (!t) return null
    const counts = countsAt(t, index.value)
    return { ...metricsFromCounts(counts), threshold: threshold.value ?? 0.5, rowThreshold: thresholdAt(t, index.value), cost: expectedCost(counts, costFp.value, costFn.value) }
  })
  const notable = computed(() => {
    const t = table.value
    if (!t) return null
    return { bestF1: bestF1Index(t), youden: youdenIndex(t), cost: costOptimumIndex(t, costFp.value, costFn.value) }
  })

  /** The confusion matrix of the report (multilabel: the focus label's 2×2). */
  const confusion = computed<ConfusionMatrix | null>(() => {
    const r = report.value
    const cm = r?.curves.confusion_matrix
    if (!r || !cm) return null
    if ('matrix' in cm) return cm as ConfusionMatrix
    const key = focusClass.value
    return key !== null ? ((cm as Record<string, ConfusionMatrix>)[key] ?? null) : null
  })

  // ------------------------------------------------------------- actions
  function update(patch: Partial<ClassificationUrlState>): void {
    view.value = { ...view.value, ...patch }
  }
  function openDoc(run: string, name: string, step: number | null = null): void {
    batch(() => {
      doc.value = { run, name, step }
      if (docData.value && (docData.value.run !== run || docData.value.name !== name)) docData.value = null
    })
  }
  function open(run: string, name: string): void {
    batch(() => {
      doc.value = null
      view.value = { ...defaultClassificationState(), costFp: view.value.costFp, costFn: view.value.costFn, norm: view.value.norm, run, name }
      threshold.value = null
      report.value = null
      table.value = null
      trend.value = null
    })
  }
  function setStep(step: number): void {
    const steps = entry.value?.steps ?? []
    update({ step: step === steps[steps.length - 1] ? null : step })
  }
  function setClass(cls: string): void {
    batch(() => {
      update({ cls })
      table.value = null
    })
  }
  function setThreshold(t: number): void {
    threshold.value = Math.min(1, Math.max(0, t))
  }
  function jumpTo(row: number): void {
    const t = table.value
    const v = t ? thresholdAt(t, row) : null
    if (v !== null) threshold.value = v
  }
  function toggleLegend(selected: Record<string, boolean>): void {
    const next = new Set(hidden.value)
    for (const [name, on] of Object.entries(selected)) {
      if (name === 'chance' || name === 'ideal') continue
      if (on) next.delete(name)
      else next.add(name)
    }
    update({ hidden: [...next] })
  }

  // ------------------------------------------------------------- loading
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
  const loadTable = loader(async (signal, run: string, name: string, step: number | null, cls: string | null) => {
    const t = await api.thresholds(run, name, step, cls, THRESHOLD_POINTS, signal)
    if (!signal.aborted) table.value = t
  })
  const loadTrend = loader(async (signal, run: string, name: string) => {
    const t = await api.trend(run, name, signal)
    if (!signal.aborted) trend.value = t
  })

  const loadDoc = loader(async (signal, run: string, name: string, step: number | null) => {
    const d = await api.confusion(run, name, step, signal)
    if (!signal.aborted) docData.value = d
  })
  const docKey = computed(() => (doc.value ? JSON.stringify([doc.value.run, doc.value.name, doc.value.step]) : ''))
  const reportKey = computed(() => (entry.value ? JSON.stringify([view.value.run, view.value.name, view.value.step]) : ''))
  const tableKey = computed(() => {
    const r = report.value
    if (!entry.value || !r || r.task === 'regression') return ''
    return JSON.stringify([view.value.run, view.value.name, r.step, r.task === 'binary' ? null : focusClass.value])
  })
  const trendKey = computed(() => (entry.value ? JSON.stringify([view.value.run, view.value.name]) : ''))

  function start(): () => void {
    const stops = [
      effect(() => {
        void shell.refreshTick.value
        return loadListing()
      }),
      effect(() => {
        // open the first evaluation when nothing (or something not listed) is open
        const list = entries.value
        if (listing.value && !entry.value && list.length > 0 && doc.peek() === null) {
          const { run, name } = view.peek()
          if (run === null || !list.some((e) => e.run === run && e.name === name)) open(list[0].run, list[0].name)
        }
      }),
      effect(() => {
        void reportKey.value
        void shell.refreshTick.value
        const v = view.peek()
        if (entry.peek() && v.run !== null && v.name !== null) return loadReport(v.run, v.name, v.step)
      }),
      effect(() => {
        const key = docKey.value
        void shell.refreshTick.value
        if (!key) return
        return loadDoc(...(JSON.parse(key) as [string, string, number | null]))
      }),
      effect(() => {
        const key = tableKey.value
        void shell.refreshTick.value
        if (!key) return
        const [run, name, step, cls] = JSON.parse(key) as [string, string, number, string | null]
        return loadTable(run, name, step, cls)
      }),
      effect(() => {
        void trendKey.value
        void shell.refreshTick.value
        const v = view.peek()
        if (entry.peek() && v.run !== null && v.name !== null) return loadTrend(v.run, v.name)
      }),
    ]
    return () => stops.forEach((stop) => stop())
  }

  return {
    view,
    threshold,
    doc,
    docData,
    docEntries,
    openDoc,
    listing,
    entries,
    entry,
    report,
    table,
    trend,
    loading,
    labels,
    focusClass,
    hidden,
    index,
    operating,
    notable,
    confusion,
    update,
    open,
    setStep,
    setClass,
    setThreshold,
    jumpTo,
    toggleLegend,
    start,
    restore(data: Record<string, string>) {
      const restored = classificationFromUrl(data, prefix)
      view.value = restored.state
      threshold.value = restored.threshold
      const cm = data[`${prefix}cm`]
      if (cm) {
        try {
          const [run, name, step] = JSON.parse(cm) as [unknown, unknown, unknown]
          if (typeof run === 'string' && typeof name === 'string') doc.value = { run, name, step: typeof step === 'number' ? step : null }
        } catch {
          // malformed: ignore
        }
      }
    },
    urlData: () => {
      const data = classificationToUrl(view.value, threshold.value, prefix)
      if (doc.value) data[`${prefix}cm`] = JSON.stringify([doc.value.run, doc.value.name, doc.value.step])
      return data
    },
  }
}

export type ClassificationState = ReturnType<typeof createClassificationState>
