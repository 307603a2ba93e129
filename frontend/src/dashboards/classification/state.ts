// State of the Classification dashboard: which evaluation is open, the report, the threshold
// table and the trend, plus the threshold slider's derived operating point. No view code.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../../api/client'
import type { ConfusionMatrix, ConfusionResponse, ThresholdTable } from '../../api/evalTypes'
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
import { createEvaluationState } from '../shared/evaluationState'
import { reload, startLifecycle } from '../shared/lifecycle'
import { type ClassificationUrlState, classificationFromUrl, classificationToUrl, defaultClassificationState } from './url'

export const CLASSIFICATION_TASKS = ['binary', 'multiclass', 'multilabel']
/** Rows of the threshold table asked for (the slider's resolution). */
export const THRESHOLD_POINTS = 1000
/** Above this many classes, per-class curves start hidden (micro/macro and the focus class shown). */
export const MAX_DEFAULT_CLASSES = 10

export { entryKey } from '../shared/evaluationState'

export function createClassificationState(api: Api, shell: Shell, tasks: string[] = CLASSIFICATION_TASKS, prefix = 'cls_') {
  /** The slider's threshold (null: 0.5 or the nearest row). Kept apart from `view` so a slider
   * move touches only what depends on it. */
  const threshold = signal<number | null>(null)
  const table = signal<ThresholdTable | null>(null)
  /** A logged confusion matrix (log_confusion_matrix) shown instead of an evaluation. */
  const doc = signal<{ run: string; name: string; step: number | null } | null>(null)
  const docData = signal<ConfusionResponse | null>(null)
  const base = createEvaluationState<ClassificationUrlState>(api, shell, {
    tasks,
    defaults: defaultClassificationState,
    keep: (v) => ({ costFp: v.costFp, costFn: v.costFn, norm: v.norm }),
    onOpen() {
      doc.value = null
      threshold.value = null
      table.value = null
    },
  })
  const { view, listing, report, entries, entry, update, loader } = base
  const docEntries = computed(() => {
    if (!tasks.includes('multiclass')) return []
    const runs = new Set(shell.selectedRuns.value)
    return (listing.value?.confusions ?? []).filter((e) => runs.has(e.run))
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
  function openDoc(run: string, name: string, step: number | null = null): void {
    batch(() => {
      doc.value = { run, name, step }
      if (docData.value && (docData.value.run !== run || docData.value.name !== name)) docData.value = null
    })
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
  const loadTable = loader(async (signal, run: string, name: string, step: number | null, cls: string | null) => {
    const t = await api.thresholds(run, name, step, cls, THRESHOLD_POINTS, signal)
    if (!signal.aborted) table.value = t
  })
  const loadDoc = loader(async (signal, run: string, name: string, step: number | null) => {
    const d = await api.confusion(run, name, step, signal)
    if (!signal.aborted) docData.value = d
  })
  const docKey = computed(() => (doc.value ? JSON.stringify([doc.value.run, doc.value.name, doc.value.step]) : ''))
  const tableKey = computed(() => {
    const r = report.value
    if (!entry.value || !r || r.task === 'regression') return ''
    return JSON.stringify([view.value.run, view.value.name, r.step, r.task === 'binary' ? null : focusClass.value])
  })
  function start(): () => void {
    return startLifecycle(shell, {
      loadListing: base.loadListing,
      entries,
      // open the first evaluation when nothing (or something not listed) is open
      isOpen: () => entry.value !== null || doc.peek() !== null,
      open: (e) => base.open(e.run, e.name),
      reloads: [
        base.reloads.report,
        reload(docKey, (key) => (key ? loadDoc(...(JSON.parse(key) as [string, string, number | null])) : undefined)),
        reload(tableKey, (key) => {
          if (!key) return
          const [run, name, step, cls] = JSON.parse(key) as [string, string, number, string | null]
          return loadTable(run, name, step, cls)
        }),
        base.reloads.trend,
      ],
    })
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
    trend: base.trend,
    loading: base.loading,
    labels,
    focusClass,
    hidden,
    index,
    operating,
    notable,
    confusion,
    update,
    open: base.open,
    setStep: base.setStep,
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
